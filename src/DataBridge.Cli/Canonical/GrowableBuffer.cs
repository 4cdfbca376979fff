using System.Buffers.Binary;

namespace DataBridge.Cli.Canonical;

/// <summary>
/// An append-only byte buffer used to assemble Arrow buffers (values, offsets, bitmaps) from decoded
/// canonical JSON. Values are written little-endian, as Arrow bodies are.
/// </summary>
internal sealed class GrowableBuffer
{
    private byte[] _data = new byte[64];
    private int _length;

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _data.AsSpan(0, _length);

    public void AppendByte(byte value) => Reserve(1)[0] = value;

    public void AppendInt16(short value) => BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), value);

    public void AppendInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void AppendInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void AppendBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Appends <paramref name="count"/> zero bytes (the value slot of a null).</summary>
    public void AppendZeros(int count) => Reserve(count).Clear();

    /// <summary>
    /// The bytes written as a buffer over this builder's array, without a copy: append no more after it.
    /// (The IPC writer pads and aligns bodies itself, so the managed array's alignment does not matter.)
    /// </summary>
    public ArrowBuffer ToArrowBuffer() => new(_data.AsMemory(0, _length));

    private Span<byte> Reserve(int count)
    {
        int needed = checked(_length + count);
        if (needed > _data.Length)
        {
            // Doubling keeps appends amortised O(1); Array.MaxLength bounds the growth.
            int size = (int)Math.Min(Array.MaxLength, Math.Max((long)_data.Length * 2, needed));
            Array.Resize(ref _data, size);
        }

        Span<byte> slot = _data.AsSpan(_length, count);
        _length = needed;
        return slot;
    }
}
