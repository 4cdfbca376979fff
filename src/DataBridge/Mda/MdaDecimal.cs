using System.Buffers.Binary;
using System.Numerics;

namespace DataBridge.Mda;

/// <summary>
/// <see cref="decimal"/> ↔ Arrow decimals. A <see cref="decimal"/> is a 96-bit unsigned mantissa, a sign and a
/// scale of 0 to 28; an Arrow decimal is a two's-complement unscaled integer with one scale for the column.
/// </summary>
internal static class MdaDecimal
{
    /// <summary>The largest mantissa a <see cref="decimal"/> holds, plus one: 2^96.</summary>
    private static readonly UInt128 MantissaLimit = UInt128.One << 96;

    private static readonly UInt128[] PowersOfTen = CreatePowersOfTen();

    /// <summary>The scale a <see cref="decimal"/> carries (0 to 28; trailing zeros count: 1.50m has 2).</summary>
    public static int ScaleOf(decimal value) => value.Scale;

    /// <summary>Whether <paramref name="value"/> rescaled to <paramref name="scale"/> (≥ its own) has at most 38 digits.</summary>
    public static bool FitsDecimal128(decimal value, int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int valueScale = (bits[3] >> 16) & 0xFF;
        return DigitCount(Mantissa(bits)) + (scale - valueScale) <= 38;
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="scale"/> (≥ its own) as a little-endian integer of <paramref name="destination"/>'s width (16 or 32 bytes).</summary>
    public static void Write(decimal value, int scale, Span<byte> destination)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        int valueScale = (bits[3] >> 16) & 0xFF;
        bool negative = bits[3] < 0;
        UInt128 mantissa = Mantissa(bits);
        int shift = scale - valueScale;
        if (destination.Length == 16)
        {
            // ChooseType guarantees the rescaled mantissa has at most 38 digits: it fits in 127 bits.
            UInt128 rescaled = mantissa * PowersOfTen[shift];
            Int128 signed = negative ? -(Int128)rescaled : (Int128)rescaled;
            BinaryPrimitives.WriteInt128LittleEndian(destination, signed);
            return;
        }

        BigInteger wide = (BigInteger)mantissa * BigInteger.Pow(10, shift);
        if (negative)
        {
            wide = -wide;
        }

        destination.Fill(wide.Sign < 0 ? (byte)0xFF : (byte)0);
        wide.TryWriteBytes(destination, out _, isUnsigned: false, isBigEndian: false);
    }

    /// <summary>An Arrow unscaled value as a <see cref="decimal"/>; false when no <see cref="decimal"/> equals it.</summary>
    public static bool TryToDecimal(Int128 unscaled, int scale, out decimal value)
    {
        bool negative = unscaled < 0;
        UInt128 mantissa = negative ? (UInt128)(-(unscaled + 1)) + 1 : (UInt128)unscaled;
        return TryToDecimal(negative, mantissa, scale, out value);
    }

    /// <summary>A decimal256 unscaled value (32 little-endian bytes) as a <see cref="decimal"/>; false when no <see cref="decimal"/> equals it.</summary>
    public static bool TryToDecimal(ReadOnlySpan<byte> unscaled256, int scale, out decimal value)
    {
        // Most decimal256 values are sign extensions of 128-bit ones: take the fast path for those.
        Int128 low = BinaryPrimitives.ReadInt128LittleEndian(unscaled256);
        Int128 high = BinaryPrimitives.ReadInt128LittleEndian(unscaled256.Slice(16));
        if (high == (low < 0 ? Int128.NegativeOne : Int128.Zero))
        {
            return TryToDecimal(low, scale, out value);
        }

        // Only trailing zeros can bring a wider value into range (decimal256(76, 40) holding 1.5).
        var wide = new BigInteger(unscaled256, isUnsigned: false, isBigEndian: false);
        bool negative = wide.Sign < 0;
        wide = BigInteger.Abs(wide);
        var ten = new BigInteger(10);
        while (scale > 0 && wide >= (BigInteger)MantissaLimit)
        {
            wide = BigInteger.DivRem(wide, ten, out BigInteger remainder);
            if (!remainder.IsZero)
            {
                value = default;
                return false;
            }

            scale--;
        }

        if (wide >= (BigInteger)MantissaLimit)
        {
            value = default;
            return false;
        }

        return TryToDecimal(negative, (UInt128)wide, scale, out value);
    }

    private static bool TryToDecimal(bool negative, UInt128 mantissa, int scale, out decimal value)
    {
        value = default;

        // Drop trailing zeros while the value is too wide or has too many decimal places; anything else would round.
        while (scale > 0 && (scale > 28 || mantissa >= MantissaLimit))
        {
            (UInt128 quotient, UInt128 remainder) = UInt128.DivRem(mantissa, 10);
            if (remainder != 0)
            {
                return false;
            }

            mantissa = quotient;
            scale--;
        }

        // A negative scale (allowed by Arrow) multiplies.
        while (scale < 0)
        {
            if (mantissa > MantissaLimit / 10)
            {
                return false;
            }

            mantissa *= 10;
            scale++;
        }

        if (mantissa >= MantissaLimit)
        {
            return false;
        }

        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), negative, (byte)scale);
        return true;
    }

    private static UInt128 Mantissa(ReadOnlySpan<int> bits) =>
        ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];

    private static int DigitCount(UInt128 value)
    {
        int digits = 1;
        while (digits < PowersOfTen.Length && value >= PowersOfTen[digits])
        {
            digits++;
        }

        return digits;
    }

    private static UInt128[] CreatePowersOfTen()
    {
        var powers = new UInt128[39];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
