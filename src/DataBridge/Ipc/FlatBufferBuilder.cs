using System.Buffers.Binary;
using System.Text;

namespace DataBridge.Ipc;

/// <summary>
/// Builds a flatbuffer back to front, the way the format is designed to be written: children (strings,
/// vectors, tables) are written before the tables that reference them, so every reference points forward.
/// </summary>
/// <remarks>
/// Positions handed out are "offsets from the end" of the buffer, which stay valid while the buffer grows
/// toward lower addresses. Alignment is computed relative to the end too; <see cref="Finish"/> pads the whole
/// buffer to the largest alignment used, so alignments hold in the finished bytes. One table may be under
/// construction at a time. The builder is reusable after <see cref="Clear"/>.
/// </remarks>
internal sealed class FlatBufferBuilder
{
    private byte[] _buffer;
    private int _head;
    private int _minAlign = 1;
    private int[] _slots = new int[16];
    private int _slotCount;
    private int _tableStart = -1;

    public FlatBufferBuilder(int initialCapacity = 1024)
    {
        _buffer = new byte[Math.Max(initialCapacity, 64)];
        _head = _buffer.Length;
    }

    /// <summary>Bytes written so far; also the position of the last object written.</summary>
    public int Offset => _buffer.Length - _head;

    /// <summary>Forgets everything written.</summary>
    public void Clear()
    {
        _head = _buffer.Length;
        _minAlign = 1;
        _slotCount = 0;
        _tableStart = -1;
    }

    /// <summary>Starts a table with field ids below <paramref name="fieldCount"/>.</summary>
    public void StartTable(int fieldCount)
    {
        if (_tableStart >= 0)
        {
            throw new InvalidOperationException("A flatbuffer table is already under construction.");
        }

        if (_slots.Length < fieldCount)
        {
            _slots = new int[fieldCount];
        }

        Array.Clear(_slots, 0, fieldCount);
        _slotCount = fieldCount;
        _tableStart = Offset;
    }

    public void AddBool(int id, bool value)
    {
        Prep(1, 0);
        PutByte(value ? (byte)1 : (byte)0);
        _slots[id] = Offset;
    }

    public void AddByte(int id, byte value)
    {
        Prep(1, 0);
        PutByte(value);
        _slots[id] = Offset;
    }

    public void AddInt16(int id, short value)
    {
        Prep(2, 0);
        _head -= 2;
        BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan(_head), value);
        _slots[id] = Offset;
    }

    public void AddInt32(int id, int value)
    {
        Prep(4, 0);
        PutInt32(value);
        _slots[id] = Offset;
    }

    public void AddInt64(int id, long value)
    {
        Prep(8, 0);
        PutInt64(value);
        _slots[id] = Offset;
    }

    /// <summary>Adds a reference to an object written earlier (its <see cref="Offset"/> when it was finished).</summary>
    public void AddReference(int id, int target)
    {
        PutReference(target);
        _slots[id] = Offset;
    }

    /// <summary>Finishes the table: writes its soffset and its vtable (just below it) and returns its position.</summary>
    public int EndTable()
    {
        if (_tableStart < 0)
        {
            throw new InvalidOperationException("No flatbuffer table is under construction.");
        }

        Prep(4, 0);
        PutInt32(0);
        int table = Offset;
        int used = _slotCount;
        while (used > 0 && _slots[used - 1] == 0)
        {
            used--;
        }

        // vtable = [uint16 vtable bytes, uint16 table bytes, uint16 offset of each field from the table start]
        for (int i = used - 1; i >= 0; i--)
        {
            PutUInt16(_slots[i] == 0 ? 0 : table - _slots[i]);
        }

        PutUInt16(table - _tableStart);
        PutUInt16((used + 2) * 2);
        int vtable = Offset;

        // soffset: table position minus vtable position; the vtable sits below the table, so it is positive.
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_buffer.Length - table), vtable - table);
        _tableStart = -1;
        return table;
    }

    /// <summary>Writes a string (uint32 length, UTF-8 bytes, a terminating zero) and returns its position.</summary>
    public int CreateString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        Prep(4, length + 1);
        PutByte(0);
        _head -= length;
        Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_head, length));
        PutInt32(length);
        return Offset;
    }

    /// <summary>Writes a vector of references (tables or strings) and returns its position.</summary>
    public int CreateReferenceVector(ReadOnlySpan<int> targets)
    {
        Prep(4, targets.Length * 4);
        for (int i = targets.Length - 1; i >= 0; i--)
        {
            PutReference(targets[i]);
        }

        PutInt32(targets.Length);
        return Offset;
    }

    /// <summary>Writes a vector of int32 and returns its position.</summary>
    public int CreateInt32Vector(ReadOnlySpan<int> values)
    {
        Prep(4, values.Length * 4);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            PutInt32(values[i]);
        }

        PutInt32(values.Length);
        return Offset;
    }

    /// <summary>Writes a vector of int64 (8-aligned elements) and returns its position.</summary>
    public int CreateInt64Vector(ReadOnlySpan<long> values)
    {
        Prep(4, values.Length * 8);
        Prep(8, values.Length * 8);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            PutInt64(values[i]);
        }

        Prep(4, 0);
        PutInt32(values.Length);
        return Offset;
    }

    /// <summary>
    /// Writes a vector of Footer <c>Block</c> structs (24 bytes: offset: long, metaDataLength: int, 4 bytes of
    /// padding, bodyLength: long; 8-aligned) and returns its position.
    /// </summary>
    public int CreateBlockVector(ReadOnlySpan<(long Offset, int MetadataLength, long BodyLength)> blocks)
    {
        int count = blocks.Length;
        Prep(4, count * 24);
        Prep(8, count * 24);
        for (int i = count - 1; i >= 0; i--)
        {
            PutInt64(blocks[i].BodyLength);
            PutInt32(0);
            PutInt32(blocks[i].MetadataLength);
            PutInt64(blocks[i].Offset);
        }

        Prep(4, 0);
        PutInt32(count);
        return Offset;
    }

    /// <summary>
    /// Writes a vector of 16-byte structs of two int64 (FieldNode {length, null_count}, Buffer {offset, length})
    /// and returns its position. The elements are 8-aligned, as the structs require.
    /// </summary>
    public int CreateInt64PairVector(ReadOnlySpan<long> firsts, ReadOnlySpan<long> seconds)
    {
        int count = firsts.Length;
        Prep(4, count * 16);
        Prep(8, count * 16);
        for (int i = count - 1; i >= 0; i--)
        {
            PutInt64(seconds[i]);
            PutInt64(firsts[i]);
        }

        Prep(4, 0);
        PutInt32(count);
        return Offset;
    }

    /// <summary>Finishes the buffer with a reference to <paramref name="root"/> and returns the bytes.</summary>
    public ReadOnlySpan<byte> Finish(int root)
    {
        Prep(Math.Max(_minAlign, 8), 4);
        PutReference(root);
        return _buffer.AsSpan(_head);
    }

    private void PutReference(int target)
    {
        Prep(4, 0);
        PutInt32(Offset - target + 4);
    }

    /// <summary>
    /// Makes room and pads so that after <paramref name="additional"/> more bytes, a value of
    /// <paramref name="size"/> bytes is <paramref name="size"/>-aligned (measured from the end).
    /// </summary>
    private void Prep(int size, int additional)
    {
        _minAlign = Math.Max(_minAlign, size);
        int pad = (int)((~(uint)(Offset + additional) + 1) & (uint)(size - 1));
        int needed = pad + size + additional;
        if (_head < needed)
        {
            Grow(needed);
        }

        for (int i = 0; i < pad; i++)
        {
            _buffer[--_head] = 0;
        }
    }

    private void Grow(int needed)
    {
        int used = Offset;
        int size = Math.Max(_buffer.Length * 2, used + needed + 64);
        byte[] bigger = new byte[size];
        _buffer.AsSpan(_head).CopyTo(bigger.AsSpan(size - used));
        _buffer = bigger;
        _head = size - used;
    }

    private void PutByte(byte value) => _buffer[--_head] = value;

    private void PutUInt16(int value)
    {
        Prep(2, 0);
        _head -= 2;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_head), (ushort)value);
    }

    private void PutInt32(int value)
    {
        _head -= 4;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_head), value);
    }

    private void PutInt64(long value)
    {
        _head -= 8;
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_head), value);
    }
}
