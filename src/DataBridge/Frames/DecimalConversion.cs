using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Apache.Arrow.Arrays;

namespace DataBridge.Frames;

/// <summary>
/// Arrow decimals (decimal32/64/128/256, any scale) to and from <see cref="decimal"/>, exactly or not at
/// all. Apache.Arrow's decimal arrays derive from <see cref="FixedSizeBinaryArray"/>; the value of element
/// i is its little-endian two's complement bytes, unscaled.
/// </summary>
internal static class DecimalConversion
{
    private static readonly BigInteger MaxMantissa = (BigInteger.One << 96) - 1;

    /// <summary>Whether <paramref name="type"/> is one of the four decimal types.</summary>
    public static bool IsDecimal(IArrowType type) =>
        type.TypeId is ArrowTypeId.Decimal32 or ArrowTypeId.Decimal64 or ArrowTypeId.Decimal128 or ArrowTypeId.Decimal256;

    /// <summary>The scale of a decimal type.</summary>
    public static int Scale(IArrowType type) => type switch
    {
        Decimal32Type d => d.Scale,
        Decimal64Type d => d.Scale,
        Decimal128Type d => d.Scale,
        Decimal256Type d => d.Scale,
        _ => throw new ArgumentException($"{ArrowTypeText.Of(type)} is not a decimal type.", nameof(type)),
    };

    /// <summary>The precision of a decimal type.</summary>
    public static int Precision(IArrowType type) => type switch
    {
        Decimal32Type d => d.Precision,
        Decimal64Type d => d.Precision,
        Decimal128Type d => d.Precision,
        Decimal256Type d => d.Precision,
        _ => throw new ArgumentException($"{ArrowTypeText.Of(type)} is not a decimal type.", nameof(type)),
    };

    /// <summary>The unscaled value of element <paramref name="index"/> (not null).</summary>
    public static BigInteger GetUnscaled(FixedSizeBinaryArray array, int index)
    {
        ReadOnlySpan<byte> bytes = array.GetBytes(index);
        return bytes.Length switch
        {
            4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            _ => new BigInteger(bytes, isUnsigned: false, isBigEndian: false),
        };
    }

    /// <summary>
    /// Element <paramref name="index"/> (not null) as a <see cref="decimal"/>. Trailing fractional zeros are
    /// dropped until the value fits System.Decimal's 96-bit mantissa and scale of 28 (a decimal256(76, 28)
    /// column stores 12.5 as 125 followed by 27 zeros, which does fit once they are dropped).
    /// </summary>
    /// <exception cref="OverflowException">The value has more significant digits than System.Decimal holds.</exception>
    public static decimal ToDecimal(FixedSizeBinaryArray array, int index)
    {
        BigInteger unscaled = GetUnscaled(array, index);
        int scale = Scale(array.Data.DataType);
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        BigInteger magnitude = BigInteger.Abs(unscaled);
        while (scale > 0 && (scale > 28 || magnitude > MaxMantissa))
        {
            BigInteger quotient = BigInteger.DivRem(magnitude, 10, out BigInteger remainder);
            if (!remainder.IsZero)
            {
                break;
            }

            magnitude = quotient;
            scale--;
        }

        if (scale > 28 || magnitude > MaxMantissa)
        {
            throw new OverflowException($"The decimal value {ToText(array, index)} cannot be represented as System.Decimal.");
        }

        var lo = (int)(uint)(magnitude & uint.MaxValue);
        var mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>Element <paramref name="index"/> (not null) as its exact decimal text, e.g. <c>-12.50</c>.</summary>
    public static string ToText(FixedSizeBinaryArray array, int index)
    {
        BigInteger unscaled = GetUnscaled(array, index);
        int scale = Scale(array.Data.DataType);
        string digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        string sign = unscaled.Sign < 0 ? "-" : string.Empty;
        if (scale <= 0)
        {
            return unscaled.IsZero ? "0" : sign + digits + new string('0', -scale);
        }

        if (digits.Length <= scale)
        {
            digits = new string('0', scale - digits.Length + 1) + digits;
        }

        return sign + digits[..^scale] + "." + digits[^scale..];
    }

    /// <summary>
    /// Writes <paramref name="value"/> rescaled to <paramref name="scale"/> into <paramref name="slot"/>
    /// (the type's width, little-endian two's complement); false when a fractional digit would be lost or
    /// the unscaled value does not fit the width (the slot is then unspecified).
    /// </summary>
    public static bool TryWrite(decimal value, int scale, Span<byte> slot)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (value < 0)
        {
            mantissa = -mantissa;
        }

        int shift = scale - ((bits[3] >> 16) & 0xFF);
        BigInteger unscaled;
        if (shift >= 0)
        {
            unscaled = mantissa * BigInteger.Pow(10, shift);
        }
        else
        {
            unscaled = BigInteger.DivRem(mantissa, BigInteger.Pow(10, -shift), out BigInteger remainder);
            if (!remainder.IsZero)
            {
                return false;
            }
        }

        if (unscaled.GetByteCount(isUnsigned: false) > slot.Length)
        {
            return false;
        }

        unscaled.TryWriteBytes(slot, out int written, isUnsigned: false, isBigEndian: false);
        slot[written..].Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
        return true;
    }
}
