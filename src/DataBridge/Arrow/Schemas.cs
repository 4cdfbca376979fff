namespace DataBridge.Arrow;

/// <summary>Schema values the SDK needs and Apache.Arrow does not define.</summary>
internal static class Schemas
{
    /// <summary>A schema of no fields and no metadata.</summary>
    public static Schema Empty { get; } = new([], null);
}
