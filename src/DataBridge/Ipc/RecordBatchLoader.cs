using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Apache.Arrow.Ipc;

namespace DataBridge.Ipc;

/// <summary>
/// Turns a RecordBatch table plus its body into Apache.Arrow <see cref="ArrayData"/>, walking the fields in
/// pre-order (one FieldNode per field, the type's buffers in Buffer-Listing order) and checking everything a later
/// access would rely on: node lengths and null counts, each buffer inside the body and large enough for its
/// length, offsets monotonic and inside their data or child, list-view and binary-view ranges inside their child
/// or data buffer, run ends increasing and covering the array, child lengths covering their parent, union type ids
/// and dense offsets, dictionary indices inside their dictionary, and the node/buffer counts matching the schema.
/// Apache.Arrow's arrays do not check their buffers (reading past one is an access violation), so nothing leaves
/// here unchecked. Buffers are slices of the body, nothing is copied, except compressed buffers, which are
/// decompressed into arrays of their own.
/// </summary>
/// <remarks>
/// RecordBatch table (Message.fbs): id 0 <c>length: long</c>, id 1 <c>nodes: [FieldNode]</c> (struct
/// {length: long, null_count: long}), id 2 <c>buffers: [Buffer]</c> (struct {offset: long, length: long},
/// offset relative to the body), id 3 <c>compression: BodyCompression</c> (id 0 codec: byte LZ4_FRAME = 0 |
/// ZSTD = 1, id 1 method: byte BUFFER = 0), id 4 <c>variadicBufferCounts: [long]</c> (one per view-typed field,
/// in pre-order).
/// </remarks>
internal ref struct RecordBatchLoader
{
    private static readonly byte[] ZeroOffsets = new byte[8];
    private static readonly Lazy<ICompressionCodecFactory> Codecs = new(() => new Apache.Arrow.Compression.CompressionCodecFactory());

    private readonly FlatBufferVector _nodes;
    private readonly FlatBufferVector _buffers;
    private readonly FlatBufferVector _variadicCounts;
    private readonly ReadOnlyMemory<byte> _body;
    private readonly bool _unionsHaveValidity;
    private readonly DictionaryMemo _dictionaries;
    private readonly int _messageIndex;
    private readonly ICompressionCodec? _codec;
    private readonly string? _codecName;
    private long _decompressionBudget;
    private int _node;
    private int _buffer;
    private int _variadic;

    private RecordBatchLoader(
        FlatBufferTable table, ReadOnlyMemory<byte> body, short version, DictionaryMemo dictionaries, int messageIndex, long maxDecompressedBytes)
    {
        _nodes = table.GetVector(1, 16);
        _buffers = table.GetVector(2, 16);
        _variadicCounts = table.GetVector(4, 8);
        _body = body;
        _unionsHaveValidity = version < IpcMessage.MetadataV5;
        _dictionaries = dictionaries;
        _messageIndex = messageIndex;
        _decompressionBudget = maxDecompressedBytes;
        if (table.GetTable(3) is { } compression)
        {
            byte codec = compression.GetByte(0, 0);
            byte method = compression.GetByte(1, 0);
            _codecName = codec switch { 0 => "LZ4_FRAME", 1 => "ZSTD", _ => codec.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (codec > 1 || method != 0)
            {
                throw new UnsupportedArrowFeatureException(
                    $"compression:{_codecName}", $"Message {messageIndex}: the body is compressed with codec {_codecName}, method {method}; only LZ4_FRAME and ZSTD buffers are supported.");
            }

            _codec = Codecs.Value.CreateCodec(codec == 0 ? CompressionCodecType.Lz4Frame : CompressionCodecType.Zstd);
        }
    }

    /// <summary>Loads the columns of <paramref name="fields"/> from a RecordBatch table; returns the row count.</summary>
    /// <param name="table">The RecordBatch table (of a RecordBatch message, or the data of a DictionaryBatch).</param>
    /// <param name="fields">The fields the columns are loaded as.</param>
    /// <param name="body">The message body the buffers point into.</param>
    /// <param name="version">The message's metadata version (V4 unions carry a validity buffer).</param>
    /// <param name="dictionaries">The stream's dictionaries and dictionary ids.</param>
    /// <param name="messageIndex">The message's index, for errors.</param>
    /// <param name="columns">Receives one array per field.</param>
    /// <param name="maxDecompressedBytes">The most bytes the message's compressed buffers may decompress to.</param>
    public static int Load(
        FlatBufferTable table,
        IReadOnlyList<Field> fields,
        ReadOnlyMemory<byte> body,
        short version,
        DictionaryMemo dictionaries,
        int messageIndex,
        ArrayData[] columns,
        long maxDecompressedBytes = ArrowIpcReaderOptions.DefaultMaxDecompressedBodySize)
    {
        long length = table.GetInt64(0, 0);
        if (length is < 0 or > int.MaxValue)
        {
            throw new ArrowFormatException($"Message {messageIndex}: invalid batch length {length}.");
        }

        var loader = new RecordBatchLoader(table, body, version, dictionaries, messageIndex, maxDecompressedBytes);
        try
        {
            for (int i = 0; i < columns.Length; i++)
            {
                columns[i] = loader.LoadField(fields[i], fields[i].Name);
                if (columns[i].Length != length)
                {
                    throw loader.Error(fields[i].Name, $"has {columns[i].Length} rows but the batch has {length}");
                }
            }
        }
        finally
        {
            loader._codec?.Dispose();
        }

        if (loader._node != loader._nodes.Count || loader._buffer != loader._buffers.Count)
        {
            throw new ArrowFormatException(
                $"Message {messageIndex}: the batch has {loader._nodes.Count} field nodes and {loader._buffers.Count} buffers but the schema uses {loader._node} and {loader._buffer}.");
        }

        if (loader._variadic != loader._variadicCounts.Count)
        {
            throw new ArrowFormatException(
                $"Message {messageIndex}: the batch has {loader._variadicCounts.Count} variadic buffer counts but the schema has {loader._variadic} view-typed fields.");
        }

        return (int)length;
    }

    private ArrayData LoadField(Field field, string path)
    {
        IArrowType type = field.DataType;
        ArrowTypeId id = type.TypeId;
        (int length, int nullCount) = ReadNode(path, nullCountMatters: id != ArrowTypeId.Null);
        switch (id)
        {
            case ArrowTypeId.Null:
                return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>());
            case ArrowTypeId.Boolean:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer values = ReadBuffer(path, "values", BitOps.ByteCount((long)length));
                return new ArrayData(type, length, nullCount, 0, [validity, values]);
            }

            case ArrowTypeId.String:
            case ArrowTypeId.Binary:
            case ArrowTypeId.LargeString:
            case ArrowTypeId.LargeBinary:
            {
                bool large = TypeLayout.HasLargeOffsets(type);
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer offsets = ReadOffsets(path, length, large);
                ArrowBuffer data = ReadBuffer(path, "data", 0);
                CheckOffsets(path, offsets, length, large, data.Length, "data buffer");
                return new ArrayData(type, length, nullCount, 0, [validity, offsets, data]);
            }

            case ArrowTypeId.StringView:
            case ArrowTypeId.BinaryView:
                return LoadBinaryView(type, path, length, nullCount);
            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            case ArrowTypeId.LargeList:
            {
                bool large = id == ArrowTypeId.LargeList;
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrowBuffer offsets = ReadOffsets(path, length, large);
                Field childField = TypeLayout.Children(type)[0];
                ArrayData child = LoadField(childField, path + "." + childField.Name);
                CheckOffsets(path, offsets, length, large, child.Length, "child");
                return new ArrayData(type, length, nullCount, 0, [validity, offsets], [child]);
            }

            case ArrowTypeId.ListView:
            case ArrowTypeId.LargeListView:
                return LoadListView(type, path, length, nullCount);
            case ArrowTypeId.FixedSizeList:
            {
                var listType = (FixedSizeListType)type;
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                ArrayData child = LoadField(listType.ValueField, path + "." + listType.ValueField.Name);
                long needed = (long)length * listType.ListSize;
                if (child.Length < needed)
                {
                    throw Error(path, $"has {length} lists of {listType.ListSize} values but its child has only {child.Length}");
                }

                return new ArrayData(type, length, nullCount, 0, [validity], [child]);
            }

            case ArrowTypeId.Struct:
            {
                ArrowBuffer validity = ReadValidity(path, length, nullCount);
                IReadOnlyList<Field> fields = ((StructType)type).Fields;
                var children = new ArrayData[fields.Count];
                for (int i = 0; i < children.Length; i++)
                {
                    children[i] = LoadField(fields[i], path + "." + fields[i].Name);
                    if (children[i].Length < length)
                    {
                        throw Error(path, $"has {length} rows but its child '{fields[i].Name}' has only {children[i].Length}");
                    }
                }

                return new ArrayData(type, length, nullCount, 0, [validity], children);
            }

            case ArrowTypeId.Union:
                return LoadUnion((UnionType)type, path, length);
            case ArrowTypeId.Dictionary:
                return LoadDictionaryIndices(field, (DictionaryType)type, path, length, nullCount);
            case ArrowTypeId.RunEndEncoded:
                return LoadRunEndEncoded((RunEndEncodedType)type, path, length, nullCount);
            default:
                if (TypeLayout.IsFixedWidth(type))
                {
                    ArrowBuffer validity = ReadValidity(path, length, nullCount);
                    ArrowBuffer values = ReadBuffer(path, "values", (long)length * TypeLayout.ByteWidth(type));
                    return new ArrayData(type, length, nullCount, 0, [validity, values]);
                }

                throw new UnsupportedArrowFeatureException($"type:{type.Name}", $"Message {_messageIndex}: field '{path}' has type {type.Name}, which cannot be read.");
        }
    }

    /// <summary>
    /// Binary and string views: validity, a 16-byte view per slot (int32 length; up to 12 bytes inline, or a
    /// 4-byte prefix, int32 buffer index and int32 offset into one of the variadic data buffers), then as many
    /// data buffers as the batch's next variadic count says. Every non-null view must lie inside its buffer and
    /// repeat its first four bytes as its prefix.
    /// </summary>
    private ArrayData LoadBinaryView(IArrowType type, string path, int length, int nullCount)
    {
        if (_variadic >= _variadicCounts.Count)
        {
            throw Error(path, "is view-typed but the batch has no variadic buffer count for it");
        }

        long count = _variadicCounts.GetInt64(_variadic++);
        if (count < 0 || count > _buffers.Count - _buffer)
        {
            throw Error(path, $"declares {count} variadic data buffers; the batch has {_buffers.Count - _buffer} buffers left");
        }

        var buffers = new ArrowBuffer[2 + count];
        buffers[0] = ReadValidity(path, length, nullCount);
        buffers[1] = ReadBuffer(path, "views", (long)length * 16);
        for (int b = 0; b < count; b++)
        {
            buffers[2 + b] = ReadBuffer(path, "variadic data", 0);
        }

        ReadOnlySpan<byte> views = buffers[1].Span;
        ReadOnlySpan<byte> validity = buffers[0].Span;
        for (int i = 0; i < length; i++)
        {
            if (nullCount != 0 && !BitOps.GetBit(validity, i))
            {
                continue;
            }

            ReadOnlySpan<byte> view = views.Slice(i * 16, 16);
            int size = BinaryPrimitives.ReadInt32LittleEndian(view);
            if (size < 0)
            {
                throw Error(path, $"has a view of negative length {size} at slot {i}");
            }

            if (size <= 12)
            {
                continue;
            }

            int index = BinaryPrimitives.ReadInt32LittleEndian(view[8..]);
            int offset = BinaryPrimitives.ReadInt32LittleEndian(view[12..]);
            if ((uint)index >= (uint)count || offset < 0 || (long)offset + size > buffers[2 + index].Length)
            {
                throw Error(path, $"has a view at slot {i} (buffer {index}, offset {offset}, length {size}) outside its {count} data buffers");
            }

            if (!view.Slice(4, 4).SequenceEqual(buffers[2 + index].Span.Slice(offset, 4)))
            {
                throw Error(path, $"has a view at slot {i} whose prefix differs from its data");
            }
        }

        return new ArrayData(type, length, nullCount, 0, buffers);
    }

    /// <summary>List views: validity, offsets and sizes (32- or 64-bit), one child; each non-null slot's range lies in the child.</summary>
    private ArrayData LoadListView(IArrowType type, string path, int length, int nullCount)
    {
        bool large = type.TypeId == ArrowTypeId.LargeListView;
        int width = large ? 8 : 4;
        ArrowBuffer validity = ReadValidity(path, length, nullCount);
        ArrowBuffer offsets = ReadBuffer(path, "offsets", (long)length * width);
        ArrowBuffer sizes = ReadBuffer(path, "sizes", (long)length * width);
        Field childField = TypeLayout.Children(type)[0];
        ArrayData child = LoadField(childField, path + "." + childField.Name);
        int bad = large
            ? FindBadView(offsets.Span.CastTo<long>(), sizes.Span.CastTo<long>(), validity.Span, length, nullCount, child.Length)
            : FindBadView(offsets.Span.CastTo<int>(), sizes.Span.CastTo<int>(), validity.Span, length, nullCount, child.Length);
        if (bad >= 0)
        {
            throw Error(path, $"has a list view at slot {bad} that is negative or runs past its child ({child.Length})");
        }

        return new ArrayData(type, length, nullCount, 0, [validity, offsets, sizes], [child]);

        static int FindBadView<T>(ReadOnlySpan<T> offsets, ReadOnlySpan<T> sizes, ReadOnlySpan<byte> validity, int length, int nullCount, int limit)
            where T : unmanaged, IBinaryInteger<T>
        {
            for (int i = 0; i < length; i++)
            {
                if (nullCount != 0 && !BitOps.GetBit(validity, i))
                {
                    continue;
                }

                long offset = long.CreateTruncating(offsets[i]);
                long size = long.CreateTruncating(sizes[i]);
                if (offset < 0 || size < 0 || offset > limit || size > limit - offset)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>
    /// Run-end encoded: no buffers and no nulls of its own; children run ends (int16/32/64, no nulls, strictly
    /// increasing, positive, the last at least the array's length) and values (at least one per run).
    /// </summary>
    private ArrayData LoadRunEndEncoded(RunEndEncodedType type, string path, int length, int nullCount)
    {
        if (nullCount != 0)
        {
            throw Error(path, $"is run-end encoded but its node has {nullCount} nulls (the nulls of run-end encoded arrays live in its values)");
        }

        ArrayData runEnds = LoadField(type.RunEndsField, path + "." + type.RunEndsField.Name);
        ArrayData values = LoadField(type.ValuesField, path + "." + type.ValuesField.Name);
        if (runEnds.NullCount != 0)
        {
            throw Error(path, "has null run ends");
        }

        if (values.Length < runEnds.Length)
        {
            throw Error(path, $"has {runEnds.Length} runs but only {values.Length} values");
        }

        if (length > 0 && runEnds.Length == 0)
        {
            throw Error(path, $"has {length} rows but no runs");
        }

        ReadOnlySpan<byte> ends = runEnds.Buffers[1].Span;
        bool valid = runEnds.DataType.TypeId switch
        {
            ArrowTypeId.Int16 => RunEndsValid(ends.CastTo<short>()[..runEnds.Length], length),
            ArrowTypeId.Int32 => RunEndsValid(ends.CastTo<int>()[..runEnds.Length], length),
            _ => RunEndsValid(ends.CastTo<long>()[..runEnds.Length], length),
        };
        if (!valid)
        {
            throw Error(path, $"has run ends that are not positive and strictly increasing up to at least its length {length}");
        }

        return new ArrayData(type, length, 0, 0, System.Array.Empty<ArrowBuffer>(), [runEnds, values]);

        static bool RunEndsValid<T>(ReadOnlySpan<T> ends, int length)
            where T : unmanaged, IBinaryInteger<T>
        {
            T previous = T.Zero;
            foreach (T end in ends)
            {
                if (end <= previous)
                {
                    return false;
                }

                previous = end;
            }

            return ends.Length == 0 ? length == 0 : long.CreateTruncating(previous) >= length;
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
        IReadOnlyList<Field> fields = type.Fields;
        var children = new ArrayData[fields.Count];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = LoadField(fields[i], path + "." + fields[i].Name);
            if (!dense && children[i].Length < length)
            {
                throw Error(path, $"has {length} rows but its child '{fields[i].Name}' has only {children[i].Length}");
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
        ReadOnlySpan<int> slots = dense ? offsets.Span.CastTo<int>()[..length] : default;
        for (int i = 0; i < ids.Length; i++)
        {
            int child = childOf[ids[i]];
            if (child < 0)
            {
                throw Error(path, $"has type id {(sbyte)ids[i]} at slot {i}, which is not one of the union's type ids");
            }

            if (dense && (uint)slots[i] >= (uint)children[child].Length)
            {
                throw Error(path, $"has dense offset {slots[i]} at slot {i} outside its child '{fields[child].Name}' of length {children[child].Length}");
            }
        }

        return new ArrayData(type, length, 0, 0, dense ? [typeIds, offsets] : [typeIds], children);
    }

    private ArrayData LoadDictionaryIndices(Field field, DictionaryType type, string path, int length, int nullCount)
    {
        ArrowBuffer validity = ReadValidity(path, length, nullCount);
        var indexType = (IntegerType)type.IndexType;
        ArrowBuffer indices = ReadBuffer(path, "indices", (long)length * (indexType.BitWidth / 8));
        long id = _dictionaries.IdOf(field);
        if (!_dictionaries.TryGet(id, out ArrayData dictionary))
        {
            if (nullCount != length)
            {
                throw Error(path, $"uses dictionary id {id} before any DictionaryBatch for it");
            }

            // An all-null column may precede its dictionary (Columnar format, "Dictionary Messages").
            dictionary = AllNullArrays.Create(type.ValueType, 0);
        }

        int bad = FindBadIndex(indexType, indices.Span, validity.Span, length, nullCount, dictionary.Length);
        if (bad >= 0)
        {
            throw Error(path, $"has dictionary index at slot {bad} outside the dictionary (id {id}) of {dictionary.Length} values");
        }

        return new ArrayData(type, length, nullCount, 0, [validity, indices], null, dictionary);
    }

    /// <summary>The first non-null slot whose index is negative or not below <paramref name="count"/>, or -1.</summary>
    private static int FindBadIndex(IntegerType indexType, ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> validity, int length, int nullCount, int count)
    {
        return indexType.TypeId switch
        {
            ArrowTypeId.Int8 => Scan(MemoryMarshal.Cast<byte, sbyte>(bytes), validity, length, nullCount, count),
            ArrowTypeId.UInt8 => Scan(bytes, validity, length, nullCount, count),
            ArrowTypeId.Int16 => Scan(MemoryMarshal.Cast<byte, short>(bytes), validity, length, nullCount, count),
            ArrowTypeId.UInt16 => Scan(MemoryMarshal.Cast<byte, ushort>(bytes), validity, length, nullCount, count),
            ArrowTypeId.Int32 => Scan(MemoryMarshal.Cast<byte, int>(bytes), validity, length, nullCount, count),
            ArrowTypeId.UInt32 => Scan(MemoryMarshal.Cast<byte, uint>(bytes), validity, length, nullCount, count),
            ArrowTypeId.Int64 => Scan(MemoryMarshal.Cast<byte, long>(bytes), validity, length, nullCount, count),
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

        if (length < minimum && _codec is null)
        {
            throw Error(path, $"has a {name} buffer of {length} bytes; at least {minimum} are needed");
        }

        ReadOnlyMemory<byte> bytes = _body.Slice((int)offset, (int)length);
        if (_codec is not null)
        {
            bytes = Decompress(path, name, bytes);
            if (bytes.Length < minimum)
            {
                throw Error(path, $"has a {name} buffer of {bytes.Length} bytes once decompressed; at least {minimum} are needed");
            }
        }

        return new ArrowBuffer(bytes);
    }

    /// <summary>
    /// A compressed buffer: an int64 uncompressed length (-1: the rest is not compressed), then the codec's
    /// frame. The declared length bounds the output (and the message's budget bounds all of them), so a small
    /// frame cannot make the reader allocate without limit; a frame that yields a different length is malformed.
    /// </summary>
    private ReadOnlyMemory<byte> Decompress(string path, string name, ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        if (bytes.Length < 8)
        {
            throw Error(path, $"has a compressed {name} buffer of {bytes.Length} bytes, shorter than its 8-byte length prefix");
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes.Span);
        if (declared == -1)
        {
            return bytes[8..];
        }

        if (declared < 0 || declared > Array.MaxLength || declared > _decompressionBudget)
        {
            throw Error(path, $"declares a {name} buffer of {declared} bytes once decompressed, beyond the {_decompressionBudget} bytes the message may still decompress to");
        }

        _decompressionBudget -= declared;
        byte[] output = GC.AllocateUninitializedArray<byte>((int)declared);
        int written;
        try
        {
            written = _codec!.Decompress(bytes[8..], output);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ArrowFormatException($"Message {_messageIndex}: field '{path}' has a {name} buffer that does not decompress with {_codecName}: {e.Message}", e);
        }

        if (written != declared)
        {
            throw Error(path, $"has a {name} buffer that decompresses to {written} bytes instead of the {declared} it declares");
        }

        return output;
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
            ? OffsetsValid(offsets.Span.CastTo<long>()[..(length + 1)], limit)
            : OffsetsValid(offsets.Span.CastTo<int>()[..(length + 1)], limit);
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
