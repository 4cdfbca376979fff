namespace DataBridge.Arrow.Types;

/// <summary>UTF-8 strings with 64-bit offsets.</summary>
public sealed class LargeUtf8Type : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly LargeUtf8Type Default = new();

    private LargeUtf8Type()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.LargeUtf8;

    /// <inheritdoc />
    public override string Name => "large_utf8";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is LargeUtf8Type;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
