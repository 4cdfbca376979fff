using System.Globalization;

namespace DataBridge.Arrow.Types;

/// <summary>Byte strings of a fixed width.</summary>
public sealed class FixedSizeBinaryType : ArrowType
{
    /// <summary>Creates the type.</summary>
    /// <param name="byteWidth">Bytes per value, at least 0.</param>
    public FixedSizeBinaryType(int byteWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteWidth);
        ByteWidth = byteWidth;
    }

    /// <summary>Bytes per value.</summary>
    public int ByteWidth { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.FixedSizeBinary;

    /// <inheritdoc />
    public override int BitWidth => ByteWidth * 8;

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"fixed_size_binary[{ByteWidth}]");

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is FixedSizeBinaryType t && t.ByteWidth == ByteWidth;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, ByteWidth);
}
