using System.Numerics;
using System.Runtime.CompilerServices;

namespace DataBridge.Arrow;

/// <summary>Helpers for LSB-ordered bitmaps (validity and boolean data).</summary>
internal static class BitOps
{
    /// <summary>Bit <paramref name="index"/> of <paramref name="bitmap"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GetBit(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>Sets or clears bit <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetBit(Span<byte> bitmap, int index, bool value)
    {
        if (value)
        {
            bitmap[index >> 3] |= (byte)(1 << (index & 7));
        }
        else
        {
            bitmap[index >> 3] &= (byte)~(1 << (index & 7));
        }
    }

    /// <summary>Bytes needed for <paramref name="bits"/> bits.</summary>
    public static int ByteCount(int bits) => (int)(((long)bits + 7) >> 3);

    /// <summary>Bytes needed for <paramref name="bits"/> bits.</summary>
    public static long ByteCount(long bits) => (bits + 7) >> 3;

    /// <summary>Rounds up to a multiple of 8.</summary>
    public static long Align8(long value) => (value + 7) & ~7L;

    /// <summary>Rounds up to a multiple of 64.</summary>
    public static long Align64(long value) => (value + 63) & ~63L;

    /// <summary>Counts set bits in [<paramref name="offset"/>, <paramref name="offset"/>+<paramref name="length"/>).</summary>
    public static int CountSetBits(ReadOnlySpan<byte> bitmap, int offset, int length)
    {
        int count = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (i & 7) != 0)
        {
            count += GetBit(bitmap, i) ? 1 : 0;
            i++;
        }

        while (end - i >= 64)
        {
            count += BitOperations.PopCount(Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in bitmap[i >> 3])));
            i += 64;
        }

        while (end - i >= 8)
        {
            count += BitOperations.PopCount((uint)bitmap[i >> 3]);
            i += 8;
        }

        while (i < end)
        {
            count += GetBit(bitmap, i) ? 1 : 0;
            i++;
        }

        return count;
    }

    /// <summary>
    /// Copies <paramref name="length"/> bits starting at bit <paramref name="sourceOffset"/> of
    /// <paramref name="source"/> to bit 0 of <paramref name="destination"/> (re-basing a sliced bitmap).
    /// </summary>
    public static void CopyBits(ReadOnlySpan<byte> source, int sourceOffset, Span<byte> destination, int length)
    {
        if ((sourceOffset & 7) == 0)
        {
            int whole = length >> 3;
            source.Slice(sourceOffset >> 3, whole).CopyTo(destination);
            for (int i = whole << 3; i < length; i++)
            {
                SetBit(destination, i, GetBit(source, sourceOffset + i));
            }

            return;
        }

        int shift = sourceOffset & 7;
        int start = sourceOffset >> 3;
        int full = length >> 3;
        for (int b = 0; b < full; b++)
        {
            int lo = source[start + b] >> shift;
            int hi = source[start + b + 1] << (8 - shift);
            destination[b] = (byte)(lo | hi);
        }

        for (int i = full << 3; i < length; i++)
        {
            SetBit(destination, i, GetBit(source, sourceOffset + i));
        }
    }
}
