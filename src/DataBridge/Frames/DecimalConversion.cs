using System.Numerics;

namespace DataBridge.Frames;

/// <summary>Arrow decimals of any width and scale to <see cref="decimal"/>, exactly or not at all.</summary>
internal static class DecimalConversion
{
    private static readonly BigInteger MaxMantissa = (BigInteger.One << 96) - 1;

    /// <summary>
    /// Element <paramref name="index"/> (not null) as a <see cref="decimal"/>. Trailing fractional zeros are
    /// dropped until the value fits System.Decimal's 96-bit mantissa and scale of 28 (a decimal256(76, 28)
    /// column stores 12.5 as 125 followed by 27 zeros, which does fit once they are dropped).
    /// </summary>
    /// <exception cref="OverflowException">The value has more significant digits than System.Decimal holds.</exception>
    public static decimal ToDecimal(DecimalArray array, int index)
    {
        BigInteger unscaled = array.GetUnscaled(index);
        int scale = array.DecimalType.Scale;
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
            throw new OverflowException($"The decimal value {array.GetString(index)} cannot be represented as System.Decimal.");
        }

        var lo = (int)(uint)(magnitude & uint.MaxValue);
        var mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, unscaled.Sign < 0, (byte)scale);
    }
}
