using System.Numerics;
using System.Runtime.InteropServices;

namespace DataBridge.Mda;

/// <summary>
/// Validity bitmaps as both MDA and Arrow keep them: least-significant bit first, a set bit is a valid value.
/// Whole bytes are copied when both sides are byte-aligned; only unaligned copies go bit by bit.
/// </summary>
internal static class MdaBits
{
    public static int ByteCount(int bits) => (int)(((long)bits + 7) / 8);

    public static bool Get(ReadOnlySpan<byte> bitmap, int index) => (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    public static void Set(Span<byte> bitmap, int index) => bitmap[index >> 3] |= (byte)(1 << (index & 7));

    /// <summary>Copies <paramref name="count"/> bits from <paramref name="source"/> at bit <paramref name="sourceOffset"/> into <paramref name="destination"/> at bit <paramref name="destinationOffset"/> (destination bits must start cleared).</summary>
    public static void Copy(ReadOnlySpan<byte> source, int sourceOffset, Span<byte> destination, int destinationOffset, int count)
    {
        if (count == 0)
        {
            return;
        }

        if ((sourceOffset & 7) == 0 && (destinationOffset & 7) == 0)
        {
            int whole = count >> 3;
            source.Slice(sourceOffset >> 3, whole).CopyTo(destination.Slice(destinationOffset >> 3, whole));
            int rest = count & 7;
            if (rest != 0)
            {
                byte mask = (byte)((1 << rest) - 1);
                destination[(destinationOffset >> 3) + whole] |= (byte)(source[(sourceOffset >> 3) + whole] & mask);
            }

            return;
        }

        for (int i = 0; i < count; i++)
        {
            if (Get(source, sourceOffset + i))
            {
                Set(destination, destinationOffset + i);
            }
        }
    }

    /// <summary>Sets <paramref name="count"/> bits from bit <paramref name="offset"/>.</summary>
    public static void SetRange(Span<byte> bitmap, int offset, int count)
    {
        int i = 0;
        for (; i < count && ((offset + i) & 7) != 0; i++)
        {
            Set(bitmap, offset + i);
        }

        int bytes = (count - i) >> 3;
        bitmap.Slice((offset + i) >> 3, bytes).Fill(0xFF);
        i += bytes << 3;
        for (; i < count; i++)
        {
            Set(bitmap, offset + i);
        }
    }

    /// <summary>The number of cleared (null) bits among <paramref name="count"/> bits from bit <paramref name="offset"/>.</summary>
    public static int CountCleared(ReadOnlySpan<byte> bitmap, int offset, int count)
    {
        int set = 0;
        int i = 0;
        for (; i < count && ((offset + i) & 7) != 0; i++)
        {
            set += Get(bitmap, offset + i) ? 1 : 0;
        }

        ReadOnlySpan<byte> bytes = bitmap.Slice((offset + i) >> 3, (count - i) >> 3);
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong word in words)
        {
            set += BitOperations.PopCount(word);
        }

        for (int b = words.Length * 8; b < bytes.Length; b++)
        {
            set += BitOperations.PopCount(bytes[b]);
        }

        i += bytes.Length << 3;
        for (; i < count; i++)
        {
            set += Get(bitmap, offset + i) ? 1 : 0;
        }

        return count - set;
    }
}
