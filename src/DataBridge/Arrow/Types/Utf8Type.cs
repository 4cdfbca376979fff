namespace DataBridge.Arrow.Types;

/// <summary>UTF-8 strings with 32-bit offsets.</summary>
public sealed class Utf8Type : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly Utf8Type Default = new();

    private Utf8Type()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Utf8;

    /// <inheritdoc />
    public override string Name => "utf8";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is Utf8Type;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
