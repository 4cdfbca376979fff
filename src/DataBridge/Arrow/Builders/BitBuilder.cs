using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>A growable LSB-ordered bitmap (boolean values or validity).</summary>
internal sealed class BitBuilder
{
    private readonly BufferBuilder _bytes;
    private int _bitLength;

    public BitBuilder(ArrowMemoryAllocator allocator) => _bytes = new BufferBuilder(allocator);

    /// <summary>Bits appended so far.</summary>
    public int Length => _bitLength;

    /// <summary>Ensures room for <paramref name="additionalBits"/> more bits.</summary>
    public void Reserve(int additionalBits) =>
        _bytes.Reserve(BitOps.ByteCount(_bitLength + additionalBits) - _bytes.Length);

    /// <summary>Appends one bit.</summary>
    public void Append(bool value)
    {
        if ((_bitLength & 7) == 0)
        {
            _bytes.Append<byte>(value ? (byte)1 : (byte)0);
        }
        else if (value)
        {
            _bytes.Span[_bitLength >> 3] |= (byte)(1 << (_bitLength & 7));
        }

        _bitLength++;
    }

    /// <summary>Appends <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public void AppendMany(bool value, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int end = _bitLength + count;
        int newBytes = BitOps.ByteCount(end) - _bytes.Length;
        if (newBytes > 0)
        {
            _bytes.Extend(newBytes);
        }

        if (value)
        {
            Span<byte> span = _bytes.Span;
            int i = _bitLength;
            while (i < end && (i & 7) != 0)
            {
                span[i >> 3] |= (byte)(1 << (i & 7));
                i++;
            }

            int wholeBytes = (end - i) >> 3;
            span.Slice(i >> 3, wholeBytes).Fill(0xFF);
            i += wholeBytes << 3;
            for (; i < end; i++)
            {
                span[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        _bitLength = end;
    }

    /// <summary>Appends bools, one bit each.</summary>
    public void AppendRange(ReadOnlySpan<bool> values)
    {
        Reserve(values.Length);
        foreach (bool v in values)
        {
            Append(v);
        }
    }

    /// <summary>Hands the bitmap to a buffer and resets.</summary>
    public ArrowBuffer Build()
    {
        _bitLength = 0;
        return _bytes.Build();
    }
}
