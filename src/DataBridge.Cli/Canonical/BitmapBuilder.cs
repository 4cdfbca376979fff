namespace DataBridge.Cli.Canonical;

/// <summary>
/// Builds an LSB-ordered Arrow bitmap one bit at a time (validity bitmaps and boolean values); counts
/// the unset bits so a validity bitmap without nulls can be omitted.
/// </summary>
internal sealed class BitmapBuilder
{
    private byte[] _bytes = new byte[8];
    private int _bits;

    /// <summary>Number of bits appended.</summary>
    public int Length => _bits;

    /// <summary>Number of unset (false) bits appended.</summary>
    public int UnsetCount { get; private set; }

    public void Append(bool value)
    {
        int byteIndex = _bits >> 3;
        if (byteIndex == _bytes.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, (long)_bytes.Length * 2));
        }

        if (value)
        {
            _bytes[byteIndex] |= (byte)(1 << (_bits & 7));
        }
        else
        {
            UnsetCount++;
        }

        _bits = checked(_bits + 1);
    }

    /// <summary>The bitmap as a buffer (padding bits are zero); it shares this builder's array, so append no more.</summary>
    public ArrowBuffer ToArrowBuffer() => new(_bytes.AsMemory(0, BitOps.ByteCount(_bits)));

    /// <summary>The bitmap as a validity buffer: empty when no bit is unset, as writers omit it then.</summary>
    public ArrowBuffer ToValidityBuffer() => UnsetCount == 0 ? ArrowBuffer.Empty : ToArrowBuffer();
}
