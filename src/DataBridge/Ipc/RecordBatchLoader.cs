using System.Numerics;
using System.Runtime.InteropServices;

namespace DataBridge.Ipc;

/// <summary>
/// Turns a RecordBatch table plus its body into <see cref="ArrayData"/>, walking the fields in pre-order
/// (one FieldNode per field, the type's buffers in Buffer-Listing order) and checking everything a later
/// access would rely on: node lengths and null counts, each buffer inside the body and large enough for its
/// length, offsets monotonic and inside their data or child, child lengths covering their parent, union type ids
/// and dense offsets, dictionary indices inside their dictionary, and the node/buffer counts matching the schema.
/// Buffers are slices of the body: nothing is copied.
/// </summary>
/// <remarks>
/// RecordBatch table (Message.fbs): id 0 <c>length: long</c>, id 1 <c>nodes: [FieldNode]</c> (struct
/// {length: long, null_count: long}), id 2 <c>buffers: [Buffer]</c> (struct {offset: long, length: long},
/// offset relative to the body), id 3 <c>compression: BodyCompression</c> (codec: byte LZ4_FRAME = 0 | ZSTD = 1),
/// id 4 <c>variadicBufferCounts: [long]</c>.
/// </remarks>
internal ref struct RecordBatchLoader
{
    private static readonly byte[] ZeroOffsets = new byte[8];

    private readonly FlatBufferVector _nodes;
    private readonly FlatBufferVector _buffers;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly bool _unionsHaveValidity;
    private readonly DictionaryMemo _dictionaries;
    private readonly int _messageIndex;
    private int _node;
    private int _buffer;

    private RecordBatchLoader(FlatBufferTable table, ReadOnlyMemory<byte> body, short version, DictionaryMemo dictionaries, int messageIndex)
    {
        _nodes = table.GetVector(1, 16);
        _buffers = table.GetVector(2, 16);
        _body = body;
        _unionsHaveValidity = version < IpcMessage.MetadataV5;
        _dictionaries = dictionaries;
        _messageIndex = messageIndex;
    }

    /// <summary>Loads the columns of <paramref name="fields"/> from a RecordBatch table; returns the row count.</summary>
    public static int Load(
        FlatBufferTable table, IReadOnlyList<Field> fields, ReadOnlyMemory<byte> body, short version, DictionaryMemo dictionaries, int messageIndex, ArrayData[] columns)
    {
        if (table.GetTable(3) is { } compression)
        {
            string codec = compression.GetByte(0, 0) switch { 0 => "LZ4_FRAME", 1 => "ZSTD", var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            throw new UnsupportedArrowFeatureException($"compression:{codec}", $"Message {messageIndex}: the body is compressed with {codec}, which is not supported.");
        }

        if (table.GetVector(4, 8).Count > 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: the batch has variadic buffer counts but the schema has no view-typed field.");
        }

        long length = table.GetInt64(0, 0);
        if (length is < 0 or > int.MaxValue)
        {
            throw new ArrowFormatException($"Message {messageIndex}: invalid batch length {length}.");
        }

        var loader = new RecordBatchLoader(table, body, version, dictionaries, messageIndex);
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = loader.LoadField(fields[i], fields[i].Name);
            if (columns[i].Length != length)
            {
                throw loader.Error(fields[i].Name, $"has {columns[i].Length} rows but the batch has {length}");
            }
        }

        if (loader._node != loader._nodes.Count || loader._buffer != loader._buffers.Count)
        {
            throw new ArrowFormatException(
                $"Message {messageIndex}: the batch has {loader._nodes.Count} field nodes and {loader._buffers.Count} buffers but the schema uses {loader._node} and {loader._buffer}.");
        }

        return (int)length;
    }

    private ArrayData LoadField(Field field, string path)
    {
        ArrowType type = field.DataType;
        (int length, int nullCount) = ReadNode(path, nullCountMatters: type.TypeId != ArrowTypeId.Null);
        switch (type.TypeId)
        {
            case ArrowTypeId.Null:
                return new ArrayData(type, length, length, 0, [ArrowBuffer.Empty]);
            case ArrowTypeId.Boolean:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer values = ReadBuffer(path, "values", BitOps.ByteCount((long)length));
                return new ArrayData(type, length, nullCount, 0, [validity, values]);
            }

            case ArrowTypeId.Int:
            case ArrowTypeId.FloatingPoint:
            case ArrowTypeId.Decimal:
            case ArrowTypeId.Date:
            case ArrowTypeId.Time:
            case ArrowTypeId.Timestamp:
            case ArrowTypeId.Duration:
            case ArrowTypeId.Interval:
            case ArrowTypeId.FixedSizeBinary:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                long width = ArrayConcatenator.ByteWidth(type);
                ArrowBuffer values = ReadBuffer(path, "values", length * width);
                return new ArrayData(type, length, nullCount, 0, [validity, values]);
            }

            case ArrowTypeId.Utf8:
            case ArrowTypeId.Binary:
            case ArrowTypeId.LargeUtf8:
            case ArrowTypeId.LargeBinary:
            {
                bool large = type.TypeId is ArrowTypeId.LargeUtf8 or ArrowTypeId.LargeBinary;
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer offsets = ReadOffsets(path, length, large);
                ArrowBuffer data = ReadBuffer(path, "data", 0);
                CheckOffsets(path, offsets, length, large, data.Length, "data buffer");
                return new ArrayData(type, length, nullCount, 0, [validity, offsets, data]);
            }

            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            case ArrowTypeId.LargeList:
            {
                bool large = type.TypeId == ArrowTypeId.LargeList;
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer offsets = ReadOffsets(path, length, large);
                Field childField = type.Children[0];
                ArrayData child = LoadField(childField, path + "." + childField.Name);
                CheckOffsets(path, offsets, length, large, child.Length, "child");
                return new ArrayData(type, length, nullCount, 0, [validity, offsets], [child]);
            }

            case ArrowTypeId.FixedSizeList:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                Field childField = type.Children[0];
                ArrayData child = LoadField(childField, path + "." + childField.Name);
                long needed = (long)length * ((FixedSizeListType)type).ListSize;
                if (child.Length < needed)
                {
                    throw Error(path, $"has {length} lists of {((FixedSizeListType)type).ListSize} values but its child has only {child.Length}");
                }

                return new ArrayData(type, length, nullCount, 0, [validity], [child]);
            }

            case ArrowTypeId.Struct:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                var children = new ArrayData[type.Children.Count];
                for (int i = 0; i < children.Length; i++)
                {
                    Field childField = type.Children[i];
                    children[i] = LoadField(childField, path + "." + childField.Name);
                    if (children[i].Length < length)
                    {
                        throw Error(path, $"has {length} rows but its child '{childField.Name}' has only {children[i].Length}");
                    }
                }

                return new ArrayData(type, length, nullCount, 0, [validity], children);
            }

            case ArrowTypeId.Union:
                return LoadUnion((UnionType)type, path, length);
            case ArrowTypeId.Dictionary:
                return LoadDictionaryIndices((DictionaryType)type, path, length, nullCount);
            default:
                throw Error(path, $"has type {type}, which cannot be read");
        }
    }

    private ArrayData LoadUnion(UnionType type, string path, int length)
    {
        if (_unionsHaveValidity)
        {
            // V4 unions carry a validity buffer; their nulls live in the children, so it is skipped.
            ReadBuffer(path, "validity", 0);
        }

        ArrowBuffer typeIds = ReadBuffer(path, "type ids", length);
        bool dense = type.Mode == UnionMode.Dense;
        ArrowBuffer offsets = dense ? ReadBuffer(path, "offsets", (long)length * 4) : ArrowBuffer.Empty;
        var children = new ArrayData[type.Fields.Count];
        for (int i = 0; i < children.Length; i++)
        {
            Field childField = type.Fields[i];
            children[i] = LoadField(childField, path + "." + childField.Name);
            if (!dense && children[i].Length < length)
            {
                throw Error(path, $"has {length} rows but its child '{childField.Name}' has only {children[i].Length}");
            }
        }

        // Map each type id to its child (-1 = not a type id of this union), then check every slot.
        Span<int> childOf = stackalloc int[256];
        childOf.Fill(-1);
        for (int c = 0; c < children.Length; c++)
        {
            childOf[type.TypeIds[c]] = c;
        }

        ReadOnlySpan<byte> ids = typeIds.Span[..length];
        ReadOnlySpan<int> slots = dense ? MemoryMarshal.Cast<byte, int>(offsets.Span)[..length] : default;
        for (int i = 0; i < ids.Length; i++)
        {
            int child = childOf[ids[i]];
            if (child < 0)
            {
                throw Error(path, $"has type id {(sbyte)ids[i]} at slot {i}, which is not one of the union's type ids");
            }

            if (dense && (uint)slots[i] >= (uint)children[child].Length)
            {
                throw Error(path, $"has dense offset {slots[i]} at slot {i} outside its child '{type.Fields[child].Name}' of length {children[child].Length}");
            }
        }

        return new ArrayData(type, length, 0, 0, dense ? [ArrowBuffer.Empty, typeIds, offsets] : [ArrowBuffer.Empty, typeIds], children);
    }

    private ArrayData LoadDictionaryIndices(DictionaryType type, string path, int length, int nullCount)
    {
        ArrowBuffer validity = ReadValidity(path, length, nullCount);
        ArrowBuffer indices = ReadBuffer(path, "indices", (long)length * (type.IndexType.BitWidth / 8));
        long id = type.Id ?? 0;
        if (!_dictionaries.TryGet(id, out ArrayData dictionary))
        {
            if (nullCount != length)
            {
                throw Error(path, $"uses dictionary id {id} before any DictionaryBatch for it");
            }

            // An all-null column may precede its dictionary (Columnar format, "Dictionary Messages").
            dictionary = EmptyArrays.Create(type.ValueType);
        }

        int bad = FindBadIndex(type.IndexType, indices.Span, validity.Span, length, nullCount, dictionary.Length);
        if (bad >= 0)
        {
            throw Error(path, $"has dictionary index at slot {bad} outside the dictionary (id {id}) of {dictionary.Length} values");
        }

        return new ArrayData(type, length, nullCount, 0, [validity, indices], null, dictionary);
    }

    /// <summary>The first non-null slot whose index is negative or not below <paramref name="count"/>, or -1.</summary>
    private static int FindBadIndex(IntType indexType, ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> validity, int length, int nullCount, int count)
    {
        return (indexType.BitWidth, indexType.IsSigned) switch
        {
            (8, true) => Scan(MemoryMarshal.Cast<byte, sbyte>(bytes), validity, length, nullCount, count),
            (8, false) => Scan(bytes, validity, length, nullCount, count),
            (16, true) => Scan(MemoryMarshal.Cast<byte, short>(bytes), validity, length, nullCount, count),
            (16, false) => Scan(MemoryMarshal.Cast<byte, ushort>(bytes), validity, length, nullCount, count),
            (32, true) => Scan(MemoryMarshal.Cast<byte, int>(bytes), validity, length, nullCount, count),
            (32, false) => Scan(MemoryMarshal.Cast<byte, uint>(bytes), validity, length, nullCount, count),
            (64, true) => Scan(MemoryMarshal.Cast<byte, long>(bytes), validity, length, nullCount, count),
            _ => Scan(MemoryMarshal.Cast<byte, ulong>(bytes), validity, length, nullCount, count),
        };

        static int Scan<T>(ReadOnlySpan<T> values, ReadOnlySpan<byte> validity, int length, int nullCount, int count)
            where T : unmanaged, IBinaryInteger<T>
        {
            T limit = T.CreateSaturating(count);
            for (int i = 0; i < length; i++)
            {
                T v = values[i];
                if ((T.IsNegative(v) || v >= limit) && (nullCount == 0 || BitOps.GetBit(validity, i)))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <param name="path">The field path, for errors.</param>
    /// <param name="nullCountMatters">
    /// False for the null type, whose null count is its length by definition: like Arrow C++, the node's
    /// value is ignored (apache-arrow JS writes -1, "unknown", for a sliced null array).
    /// </param>
    private (int Length, int NullCount) ReadNode(string path, bool nullCountMatters)
    {
        if (_node >= _nodes.Count)
        {
            throw new ArrowFormatException($"Message {_messageIndex}: field '{path}' has no field node (the batch has only {_nodes.Count}).");
        }

        long length = _nodes.GetStructInt64(_node, 0);
        long nullCount = _nodes.GetStructInt64(_node, 1);
        _node++;
        if (length is < 0 or > int.MaxValue)
        {
            throw Error(path, $"has invalid length {length}");
        }

        if (!nullCountMatters)
        {
            nullCount = length;
        }
        else if (nullCount < 0 || nullCount > length)
        {
            throw Error(path, $"has invalid null count {nullCount} for length {length}");
        }

        return ((int)length, (int)nullCount);
    }

    /// <summary>Reads the next buffer, which must hold at least <paramref name="minimum"/> bytes.</summary>
    private ArrowBuffer ReadBuffer(string path, string name, long minimum)
    {
        if (_buffer >= _buffers.Count)
        {
            throw new ArrowFormatException($"Message {_messageIndex}: field '{path}' has no {name} buffer (the batch has only {_buffers.Count}).");
        }

        long offset = _buffers.GetStructInt64(_buffer, 0);
        long length = _buffers.GetStructInt64(_buffer, 1);
        _buffer++;
        if (offset < 0 || length < 0 || offset > _body.Length || length > _body.Length - offset)
        {
            throw Error(path, $"has its {name} buffer [{offset}, +{length}) outside the body of {_body.Length} bytes");
        }

        if (length < minimum)
        {
            throw Error(path, $"has a {name} buffer of {length} bytes; at least {minimum} are needed");
        }

        return new ArrowBuffer(_body.Slice((int)offset, (int)length));
    }

    /// <summary>The validity bitmap, or empty when the node says there are no nulls (the bitmap is then ignored).</summary>
    private ArrowBuffer ReadValidity(string path, int length, int nullCount)
    {
        ArrowBuffer bitmap = ReadBuffer(path, "validity", nullCount == 0 ? 0 : BitOps.ByteCount((long)length));
        return nullCount == 0 ? ArrowBuffer.Empty : bitmap;
    }

    /// <summary>Reads an offsets buffer of <paramref name="length"/>+1 entries (a 0-byte buffer is accepted for length 0).</summary>
    private ArrowBuffer ReadOffsets(string path, int length, bool large)
    {
        int width = large ? 8 : 4;
        ArrowBuffer offsets = ReadBuffer(path, "offsets", length == 0 ? 0 : ((long)length + 1) * width);
        return offsets.Length < width ? new ArrowBuffer(ZeroOffsets.AsMemory(0, width)) : offsets;
    }

    /// <summary>Checks offsets are non-negative, non-decreasing and end within <paramref name="limit"/>.</summary>
    private void CheckOffsets(string path, ArrowBuffer offsets, int length, bool large, int limit, string target)
    {
        bool valid = large
            ? OffsetsValid(offsets.As<long>()[..(length + 1)], limit)
            : OffsetsValid(offsets.As<int>()[..(length + 1)], limit);
        if (!valid)
        {
            throw Error(path, $"has offsets that decrease, are negative, or run past its {target} ({limit})");
        }
    }

    private static bool OffsetsValid<T>(ReadOnlySpan<T> offsets, int limit)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (T.IsNegative(offsets[0]) || offsets[^1] > T.CreateTruncating(limit))
        {
            return false;
        }

        // Non-decreasing: compare each element with its successor, a vector at a time.
        int i = 0;
        int pairs = offsets.Length - 1;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<T>.Count;
            for (; i + step <= pairs; i += step)
            {
                if (Vector.LessThanAny(new Vector<T>(offsets[(i + 1)..]), new Vector<T>(offsets[i..])))
                {
                    return false;
                }
            }
        }

        for (; i < pairs; i++)
        {
            if (offsets[i + 1] < offsets[i])
            {
                return false;
            }
        }

        return true;
    }

    private readonly ArrowFormatException Error(string path, string what) => new($"Message {_messageIndex}: field '{path}' {what}.");
}
