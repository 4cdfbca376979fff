using System.Buffers.Binary;

namespace DataBridge.Ipc;

/// <summary>
/// A bounds-checked flatbuffer vector: a uint32 element count followed by the elements (scalars, structs
/// inline, or uint32 references to tables/strings). The count is checked against the bytes that remain in the
/// metadata, so a vector can never claim more elements than the metadata could hold.
/// </summary>
internal readonly struct FlatBufferVector
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _start;
    private readonly int _elementSize;

    private FlatBufferVector(ReadOnlyMemory<byte> buffer, int start, int count, int elementSize)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
        _elementSize = elementSize;
    }

    /// <summary>Number of elements (0 for an absent vector).</summary>
    public int Count { get; }

    /// <summary>Reads the vector whose length prefix is at <paramref name="position"/>.</summary>
    public static FlatBufferVector At(ReadOnlyMemory<byte> buffer, long position, int elementSize)
    {
        int length = buffer.Length;
        if (position < 0 || position > length - 4)
        {
            throw FlatBufferTable.Error($"a vector offset ({position}) points outside the metadata ({length} bytes)");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span[(int)position..]);
        if (count * (long)elementSize > length - 4 - position)
        {
            throw FlatBufferTable.Error($"a vector of {count} elements at {position} runs past the end of the metadata");
        }

        return new FlatBufferVector(buffer, (int)position + 4, (int)count, elementSize);
    }

    /// <summary>The bytes of element <paramref name="index"/> (the caller keeps the index below <see cref="Count"/>).</summary>
    public ReadOnlySpan<byte> Element(int index) => _buffer.Span.Slice(_start + (index * _elementSize), _elementSize);

    /// <summary>An int32 element.</summary>
    public int GetInt32(int index) => BinaryPrimitives.ReadInt32LittleEndian(Element(index));

    /// <summary>An int64 element.</summary>
    public long GetInt64(int index) => BinaryPrimitives.ReadInt64LittleEndian(Element(index));

    /// <summary>The int64 at <paramref name="field"/> × 8 bytes inside struct element <paramref name="index"/>.</summary>
    public long GetStructInt64(int index, int field) =>
        BinaryPrimitives.ReadInt64LittleEndian(_buffer.Span[(_start + (index * _elementSize) + (field * 8))..]);

    /// <summary>A table element (a uint32 reference relative to the element's position).</summary>
    public FlatBufferTable GetTable(int index)
    {
        int at = _start + (index * _elementSize);
        return FlatBufferTable.At(_buffer, at + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span[at..]));
    }

    /// <summary>A string element.</summary>
    public string GetString(int index)
    {
        int at = _start + (index * _elementSize);
        return FlatBufferTable.ReadString(_buffer.Span, at + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span[at..]));
    }
}
