using System.Buffers.Binary;
using System.Numerics;

namespace DataBridge.Frames;

/// <summary>
/// Decimals written plainly in CSV: an optional sign, digits, optionally a point and more digits (<c>-12.50</c>,
/// <c>.5</c>, <c>7.</c>); no exponent, spaces or group separators. Parsed straight from the UTF-8 bytes into the
/// unscaled integer of a decimal column, exactly, with up to 76 digits (decimal256).
/// </summary>
internal static class PlainDecimalText
{
    private const int Int128Digits = 38;

    /// <summary>Whether <paramref name="text"/> is a plain decimal, and its digits before the point (leading zeros
    /// not counted) and after it.</summary>
    public static bool TryMeasure(ReadOnlySpan<byte> text, out int integerDigits, out int fractionDigits)
    {
        integerDigits = 0;
        fractionDigits = 0;
        int i = text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+') ? 1 : 0;
        bool anyDigit = false;
        bool leading = true;
        for (; i < text.Length && text[i] != (byte)'.'; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            anyDigit = true;
            leading &= text[i] == (byte)'0';
            if (!leading)
            {
                integerDigits++;
            }
        }

        if (i < text.Length)
        {
            for (i++; i < text.Length; i++)
            {
                if (!IsDigit(text[i]))
                {
                    return false;
                }

                anyDigit = true;
                fractionDigits++;
            }
        }

        return anyDigit;
    }

    /// <summary>
    /// Writes the unscaled integer of <paramref name="text"/> at <paramref name="scale"/> into <paramref name="slot"/>
    /// (little-endian two's complement of the slot's width); false when the text is not a plain decimal, has
    /// non-zero digits beyond the scale, or needs more than <paramref name="precision"/> digits or the slot's width.
    /// </summary>
    public static bool TryWriteUnscaled(ReadOnlySpan<byte> text, int scale, int precision, Span<byte> slot)
    {
        if (!TryMeasure(text, out _, out int fractionDigits))
        {
            return false;
        }

        bool negative = text[0] == (byte)'-';
        ReadOnlySpan<byte> body = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;

        // unscaled = digits × 10^(scale − fractionDigits): a negative exponent drops trailing digits, which must be zeros.
        int exponent = scale - fractionDigits;
        int drop = Math.Max(0, -exponent);
        int significant = 0;
        Int128 small = 0;
        BigInteger? large = null;
        int remaining = DigitCount(body);
        foreach (byte b in body)
        {
            if (b == (byte)'.')
            {
                continue;
            }

            if (remaining-- <= drop)
            {
                if (b != (byte)'0')
                {
                    return false;
                }

                continue;
            }

            int digit = b - '0';
            if (significant == 0 && digit == 0)
            {
                continue;
            }

            significant++;
            if (large is null && significant <= Int128Digits)
            {
                small = (small * 10) + digit;
            }
            else
            {
                large = ((large ?? small) * 10) + digit;
            }
        }

        if (significant > 0 && exponent > 0)
        {
            significant += exponent;
            if (significant > precision)
            {
                return false;
            }

            if (large is null && significant <= Int128Digits)
            {
                small *= Pow10(exponent);
            }
            else
            {
                large = (large ?? small) * BigInteger.Pow(10, exponent);
            }
        }

        if (significant > precision)
        {
            return false;
        }

        return large is { } big ? TryWrite(negative ? -big : big, slot) : TryWrite(negative ? -small : small, slot);
    }

    private static bool TryWrite(Int128 value, Span<byte> slot)
    {
        switch (slot.Length)
        {
            case 4:
                if (value < int.MinValue || value > int.MaxValue)
                {
                    return false;
                }

                BinaryPrimitives.WriteInt32LittleEndian(slot, (int)value);
                return true;
            case 8:
                if (value < long.MinValue || value > long.MaxValue)
                {
                    return false;
                }

                BinaryPrimitives.WriteInt64LittleEndian(slot, (long)value);
                return true;
            default:
                BinaryPrimitives.WriteInt128LittleEndian(slot, value);
                slot[16..].Fill(value < 0 ? (byte)0xFF : (byte)0);
                return true;
        }
    }

    private static bool TryWrite(BigInteger value, Span<byte> slot)
    {
        if (value.GetByteCount(isUnsigned: false) > slot.Length)
        {
            return false;
        }

        value.TryWriteBytes(slot, out int written, isUnsigned: false, isBigEndian: false);
        slot[written..].Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
        return true;
    }

    private static int DigitCount(ReadOnlySpan<byte> body) => body.Length - (body.Contains((byte)'.') ? 1 : 0);

    private static Int128 Pow10(int exponent)
    {
        Int128 result = 1;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
