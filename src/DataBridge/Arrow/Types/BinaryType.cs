namespace DataBridge.Arrow.Types;

/// <summary>Variable-length byte strings with 32-bit offsets.</summary>
public sealed class BinaryType : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly BinaryType Default = new();

    private BinaryType()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Binary;

    /// <inheritdoc />
    public override string Name => "binary";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is BinaryType;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
