using System.Buffers.Binary;
using System.Text;

namespace DataBridge.Ipc;

/// <summary>
/// A bounds-checked view of one flatbuffer table inside a metadata buffer.
/// </summary>
/// <remarks>
/// Wire layout of a table at position <c>T</c>: an int32 <c>soffset</c> with the vtable at <c>T - soffset</c>;
/// the vtable is <c>[uint16 vtableBytes, uint16 tableBytes, uint16 fieldOffset0, fieldOffset1, ...]</c>, each
/// field offset relative to <c>T</c> (0 = absent: the field takes the schema default). Reference fields
/// (tables, vectors, strings) hold a uint32 that is added to the field's own position. Every position read
/// here is checked against the buffer first, so a hostile buffer yields <see cref="ArrowFormatException"/>,
/// never an out-of-range access. Nothing is assumed about alignment (legacy streams are only 4-aligned).
/// </remarks>
internal readonly struct FlatBufferTable
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableLength;
    private readonly int _tableLength;

    private FlatBufferTable(ReadOnlyMemory<byte> buffer, int position, int vtable, int vtableLength, int tableLength)
    {
        _buffer = buffer;
        _position = position;
        _vtable = vtable;
        _vtableLength = vtableLength;
        _tableLength = tableLength;
    }

    /// <summary>The whole flatbuffer this table lives in.</summary>
    public ReadOnlyMemory<byte> Buffer => _buffer;

    /// <summary>Reads the root table: a uint32 at offset 0 pointing at it.</summary>
    public static FlatBufferTable Root(ReadOnlyMemory<byte> buffer)
    {
        if (buffer.Length < 4)
        {
            throw Error("the metadata is shorter than a flatbuffer root offset");
        }

        uint root = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span);
        return At(buffer, root);
    }

    /// <summary>Reads the table at <paramref name="position"/>, checking its vtable lies inside the buffer.</summary>
    public static FlatBufferTable At(ReadOnlyMemory<byte> buffer, long position)
    {
        ReadOnlySpan<byte> span = buffer.Span;
        if (position < 0 || position > span.Length - 4)
        {
            throw Error($"a table offset ({position}) points outside the metadata ({span.Length} bytes)");
        }

        int pos = (int)position;
        long vtable = pos - (long)BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
        if (vtable < 0 || vtable > span.Length - 4)
        {
            throw Error($"a vtable offset ({vtable}) points outside the metadata ({span.Length} bytes)");
        }

        int vt = (int)vtable;
        int vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(span[vt..]);
        int tableLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(vt + 2)..]);
        if (vtableLength < 4 || (vtableLength & 1) != 0 || vtableLength > span.Length - vt)
        {
            throw Error($"a vtable at {vt} has an invalid size {vtableLength}");
        }

        if (tableLength < 4 || tableLength > span.Length - pos)
        {
            throw Error($"a table at {pos} has an invalid size {tableLength}");
        }

        return new FlatBufferTable(buffer, pos, vt, vtableLength, tableLength);
    }

    /// <summary>Whether field <paramref name="id"/> is present.</summary>
    public bool Has(int id) => FieldOffset(id, 1) != 0;

    /// <summary>A bool field (one byte, non-zero = true).</summary>
    public bool GetBool(int id, bool defaultValue)
    {
        int at = FieldOffset(id, 1);
        return at == 0 ? defaultValue : _buffer.Span[_position + at] != 0;
    }

    /// <summary>A ubyte field (also union type tags).</summary>
    public byte GetByte(int id, byte defaultValue)
    {
        int at = FieldOffset(id, 1);
        return at == 0 ? defaultValue : _buffer.Span[_position + at];
    }

    /// <summary>A short field (enums).</summary>
    public short GetInt16(int id, short defaultValue)
    {
        int at = FieldOffset(id, 2);
        return at == 0 ? defaultValue : BinaryPrimitives.ReadInt16LittleEndian(_buffer.Span[(_position + at)..]);
    }

    /// <summary>An int field.</summary>
    public int GetInt32(int id, int defaultValue)
    {
        int at = FieldOffset(id, 4);
        return at == 0 ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(_buffer.Span[(_position + at)..]);
    }

    /// <summary>A long field.</summary>
    public long GetInt64(int id, long defaultValue)
    {
        int at = FieldOffset(id, 8);
        return at == 0 ? defaultValue : BinaryPrimitives.ReadInt64LittleEndian(_buffer.Span[(_position + at)..]);
    }

    /// <summary>A table field, or null when absent.</summary>
    public FlatBufferTable? GetTable(int id)
    {
        long target = Reference(id);
        return target < 0 ? null : At(_buffer, target);
    }

    /// <summary>A string field, or null when absent.</summary>
    public string? GetString(int id)
    {
        long target = Reference(id);
        return target < 0 ? null : ReadString(_buffer.Span, target);
    }

    /// <summary>A vector field of <paramref name="elementSize"/>-byte elements, or an empty vector when absent.</summary>
    public FlatBufferVector GetVector(int id, int elementSize)
    {
        long target = Reference(id);
        return target < 0 ? default : FlatBufferVector.At(_buffer, target, elementSize);
    }

    /// <summary>Reads a string (uint32 byte length, UTF-8 bytes) at <paramref name="position"/>.</summary>
    internal static string ReadString(ReadOnlySpan<byte> span, long position)
    {
        if (position < 0 || position > span.Length - 4)
        {
            throw Error($"a string offset ({position}) points outside the metadata");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)position..]);
        if (length > (uint)(span.Length - 4 - (int)position))
        {
            throw Error($"a string of {length} bytes at {position} runs past the end of the metadata");
        }

        return Encoding.UTF8.GetString(span.Slice((int)position + 4, (int)length));
    }

    internal static ArrowFormatException Error(string what) => new($"Invalid Arrow IPC metadata: {what}.");

    /// <summary>Position of the referenced object of reference field <paramref name="id"/>, or -1 when absent.</summary>
    private long Reference(int id)
    {
        int at = FieldOffset(id, 4);
        if (at == 0)
        {
            return -1;
        }

        int field = _position + at;
        return field + (long)BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span[field..]);
    }

    /// <summary>The offset of field <paramref name="id"/> inside the table, or 0 when absent; checks that <paramref name="size"/> bytes fit in the table.</summary>
    private int FieldOffset(int id, int size)
    {
        int entry = 4 + (2 * id);
        if (entry + 2 > _vtableLength)
        {
            return 0;
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Span[(_vtable + entry)..]);
        if (offset != 0 && offset + size > _tableLength)
        {
            throw Error($"field {id} of the table at {_position} lies outside the table ({_tableLength} bytes)");
        }

        return offset;
    }
}
