using System.Globalization;

namespace DataBridge.Arrow.Types;

/// <summary>Fixed-point decimals stored as two's complement integers of 32, 64, 128 or 256 bits.</summary>
public sealed class DecimalType : ArrowType
{
    private readonly int _bitWidth;

    /// <summary>Creates the type.</summary>
    /// <param name="precision">Total significant digits (1 or more).</param>
    /// <param name="scale">Digits after the decimal point (may be negative).</param>
    /// <param name="bitWidth">32, 64, 128 (the default) or 256.</param>
    public DecimalType(int precision, int scale, int bitWidth = 128)
    {
        if (bitWidth is not (32 or 64 or 128 or 256))
        {
            throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "Decimal bit width must be 32, 64, 128 or 256.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(precision);
        Precision = precision;
        Scale = scale;
        _bitWidth = bitWidth;
    }

    /// <summary>Total significant digits.</summary>
    public int Precision { get; }

    /// <summary>Digits after the decimal point.</summary>
    public int Scale { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Decimal;

    /// <inheritdoc />
    public override int BitWidth => _bitWidth;

    /// <summary>Bytes per value.</summary>
    public int ByteWidth => _bitWidth / 8;

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"decimal{_bitWidth}({Precision}, {Scale})");

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is DecimalType t && t.Precision == Precision && t.Scale == Scale && t._bitWidth == _bitWidth;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Precision, Scale, _bitWidth);
}
