namespace DataBridge.Arrow.Types;

/// <summary>Variable-length byte strings with 64-bit offsets.</summary>
public sealed class LargeBinaryType : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly LargeBinaryType Default = new();

    private LargeBinaryType()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.LargeBinary;

    /// <inheritdoc />
    public override string Name => "large_binary";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is LargeBinaryType;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
