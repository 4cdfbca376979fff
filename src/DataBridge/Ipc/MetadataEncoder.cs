namespace DataBridge.Ipc;

/// <summary>
/// Encodes Message flatbuffers (Message.fbs / Schema.fbs, format 1.5, metadata V5) for the writer. Scalars are
/// written explicitly even when they equal the .fbs default, which every reader accepts.
/// </summary>
internal sealed class MetadataEncoder
{
    private readonly FlatBufferBuilder _builder = new();
    private IReadOnlyDictionary<Field, long> _dictionaryIds = new Dictionary<Field, long>();

    /// <summary>Encodes a Schema message (body length 0); <paramref name="dictionaryIds"/> gives each dictionary-encoded field its id.</summary>
    public ReadOnlySpan<byte> EncodeSchemaMessage(Schema schema, IReadOnlyDictionary<Field, long> dictionaryIds)
    {
        _builder.Clear();
        int header = EncodeSchema(schema, dictionaryIds);
        return FinishMessage(MessageHeaderType.Schema, header, 0, 0);
    }

    /// <summary>
    /// Encodes the footer of an Arrow file (File.fbs <c>table Footer</c>: 0 version, 1 schema, 2 dictionaries:
    /// [Block], 3 recordBatches: [Block], 4 custom_metadata); not a message, so no prefix is framed around it.
    /// </summary>
    public ReadOnlySpan<byte> EncodeFooter(
        Schema schema,
        IReadOnlyDictionary<Field, long> dictionaryIds,
        ReadOnlySpan<(long Offset, int MetadataLength, long BodyLength)> dictionaries,
        ReadOnlySpan<(long Offset, int MetadataLength, long BodyLength)> recordBatches)
    {
        _builder.Clear();
        int schemaTable = EncodeSchema(schema, dictionaryIds);
        int dictionaryBlocks = _builder.CreateBlockVector(dictionaries);
        int batchBlocks = _builder.CreateBlockVector(recordBatches);
        _builder.StartTable(5);
        _builder.AddInt16(0, IpcMessage.MetadataV5);
        _builder.AddReference(1, schemaTable);
        _builder.AddReference(2, dictionaryBlocks);
        _builder.AddReference(3, batchBlocks);
        return _builder.Finish(_builder.EndTable());
    }

    /// <summary>Schema: 0 endianness, 1 fields, 2 custom_metadata, 3 features.</summary>
    private int EncodeSchema(Schema schema, IReadOnlyDictionary<Field, long> dictionaryIds)
    {
        _dictionaryIds = dictionaryIds;
        int fields = EncodeFields(schema.FieldsList);
        int metadata = EncodeKeyValues(schema.Metadata);
        _builder.StartTable(4);
        _builder.AddInt16(0, 0);
        _builder.AddReference(1, fields);
        if (metadata != 0)
        {
            _builder.AddReference(2, metadata);
        }

        return _builder.EndTable();
    }

    /// <summary>Encodes a RecordBatch message.</summary>
    public ReadOnlySpan<byte> EncodeRecordBatchMessage(BodyLayout body, IReadOnlyList<KeyValuePair<string, string>>? customMetadata)
    {
        _builder.Clear();
        int metadata = EncodeKeyValues(customMetadata);
        int header = EncodeRecordBatch(body);
        return FinishMessage(MessageHeaderType.RecordBatch, header, body.BodyLength, metadata);
    }

    /// <summary>Encodes a DictionaryBatch message: 0 id: long, 1 data: RecordBatch, 2 isDelta: bool.</summary>
    public ReadOnlySpan<byte> EncodeDictionaryBatchMessage(long id, bool isDelta, BodyLayout body)
    {
        _builder.Clear();
        int data = EncodeRecordBatch(body);
        _builder.StartTable(3);
        _builder.AddInt64(0, id);
        _builder.AddReference(1, data);
        _builder.AddBool(2, isDelta);
        int header = _builder.EndTable();
        return FinishMessage(MessageHeaderType.DictionaryBatch, header, body.BodyLength, 0);
    }

    /// <summary>RecordBatch: 0 length: long, 1 nodes: [FieldNode], 2 buffers: [Buffer], 3 compression, 4 variadicBufferCounts.</summary>
    private int EncodeRecordBatch(BodyLayout body)
    {
        int nodes = _builder.CreateInt64PairVector(body.NodeLengths, body.NodeNullCounts);
        int buffers = _builder.CreateInt64PairVector(body.BufferOffsets, body.BufferLengths);
        int variadic = body.VariadicCounts.Length > 0 ? _builder.CreateInt64Vector(body.VariadicCounts) : 0;
        int compression = 0;
        if (body.Compression != ArrowIpcCompression.None)
        {
            // BodyCompression: 0 codec (LZ4_FRAME = 0, ZSTD = 1), 1 method (BUFFER = 0).
            _builder.StartTable(2);
            _builder.AddByte(0, body.Compression == ArrowIpcCompression.Lz4Frame ? (byte)0 : (byte)1);
            _builder.AddByte(1, 0);
            compression = _builder.EndTable();
        }

        _builder.StartTable(5);
        _builder.AddInt64(0, body.Length);
        _builder.AddReference(1, nodes);
        _builder.AddReference(2, buffers);
        if (compression != 0)
        {
            _builder.AddReference(3, compression);
        }

        if (variadic != 0)
        {
            _builder.AddReference(4, variadic);
        }

        return _builder.EndTable();
    }

    /// <summary>Message: 0 version, 1 header_type, 2 header, 3 bodyLength, 4 custom_metadata.</summary>
    private ReadOnlySpan<byte> FinishMessage(MessageHeaderType type, int header, long bodyLength, int metadata)
    {
        _builder.StartTable(5);
        _builder.AddInt64(3, bodyLength);
        _builder.AddReference(2, header);
        if (metadata != 0)
        {
            _builder.AddReference(4, metadata);
        }

        _builder.AddInt16(0, IpcMessage.MetadataV5);
        _builder.AddByte(1, (byte)type);
        return _builder.Finish(_builder.EndTable());
    }

    private int EncodeFields(IReadOnlyList<Field> fields)
    {
        var offsets = new int[fields.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = EncodeField(fields[i]);
        }

        return _builder.CreateReferenceVector(offsets);
    }

    /// <summary>Field: 0 name, 1 nullable, 2 type_type, 3 type, 4 dictionary, 5 children, 6 custom_metadata.</summary>
    private int EncodeField(Field field)
    {
        IArrowType type = field.DataType;
        int dictionary = 0;
        if (type is DictionaryType dict)
        {
            long id = _dictionaryIds.TryGetValue(field, out long assigned)
                ? assigned
                : throw new InvalidOperationException($"Field '{field.Name}' has no dictionary id assigned.");
            dictionary = EncodeDictionaryEncoding(dict, id);
            type = dict.ValueType;
        }

        int name = _builder.CreateString(field.Name);
        int children = EncodeFields(TypeLayout.Children(type));
        int metadata = EncodeKeyValues(field.Metadata);
        (FlatBufferTypeTag tag, int typeTable) = EncodeType(type);

        _builder.StartTable(7);
        _builder.AddReference(0, name);
        _builder.AddBool(1, field.IsNullable);
        _builder.AddByte(2, (byte)tag);
        _builder.AddReference(3, typeTable);
        if (dictionary != 0)
        {
            _builder.AddReference(4, dictionary);
        }

        _builder.AddReference(5, children);
        if (metadata != 0)
        {
            _builder.AddReference(6, metadata);
        }

        return _builder.EndTable();
    }

    /// <summary>DictionaryEncoding: 0 id, 1 indexType (Int), 2 isOrdered, 3 dictionaryKind.</summary>
    private int EncodeDictionaryEncoding(DictionaryType type, long id)
    {
        int index = EncodeInt(type.IndexType);
        _builder.StartTable(4);
        _builder.AddInt64(0, id);
        _builder.AddReference(1, index);
        _builder.AddBool(2, type.Ordered);
        return _builder.EndTable();
    }

    private int EncodeInt(IArrowType type)
    {
        if (type is not IntegerType integer)
        {
            throw new NotSupportedException($"A dictionary index type must be an integer type, not {ArrowTypeText.Of(type)}.");
        }

        _builder.StartTable(2);
        _builder.AddInt32(0, integer.BitWidth);
        _builder.AddBool(1, integer.IsSigned);
        return _builder.EndTable();
    }

    private (FlatBufferTypeTag Tag, int Table) EncodeType(IArrowType type)
    {
        switch (type)
        {
            case IntegerType i:
                return (FlatBufferTypeTag.Int, EncodeInt(i));
            case FloatingPointType f:
                _builder.StartTable(1);
                _builder.AddInt16(0, f switch { HalfFloatType => 0, FloatType => 1, _ => 2 });
                return (FlatBufferTypeTag.FloatingPoint, _builder.EndTable());
            case Decimal32Type d:
                return EncodeDecimal(d.Precision, d.Scale, 32);
            case Decimal64Type d:
                return EncodeDecimal(d.Precision, d.Scale, 64);
            case Decimal128Type d:
                return EncodeDecimal(d.Precision, d.Scale, 128);
            case Decimal256Type d:
                return EncodeDecimal(d.Precision, d.Scale, 256);
            case Date32Type or Date64Type:
                _builder.StartTable(1);
                _builder.AddInt16(0, type is Date32Type ? (short)0 : (short)1);
                return (FlatBufferTypeTag.Date, _builder.EndTable());
            case TimeType t:
                _builder.StartTable(2);
                _builder.AddInt16(0, (short)t.Unit);
                _builder.AddInt32(1, t.BitWidth);
                return (FlatBufferTypeTag.Time, _builder.EndTable());
            case TimestampType t:
            {
                int zone = t.Timezone is null ? 0 : _builder.CreateString(t.Timezone);
                _builder.StartTable(2);
                _builder.AddInt16(0, (short)t.Unit);
                if (zone != 0)
                {
                    _builder.AddReference(1, zone);
                }

                return (FlatBufferTypeTag.Timestamp, _builder.EndTable());
            }

            case DurationType d:
                _builder.StartTable(1);
                _builder.AddInt16(0, (short)d.Unit);
                return (FlatBufferTypeTag.Duration, _builder.EndTable());
            case IntervalType i:
                _builder.StartTable(1);
                _builder.AddInt16(0, (short)i.Unit);
                return (FlatBufferTypeTag.Interval, _builder.EndTable());
            case FixedSizeBinaryType b:
                _builder.StartTable(1);
                _builder.AddInt32(0, b.ByteWidth);
                return (FlatBufferTypeTag.FixedSizeBinary, _builder.EndTable());
            case FixedSizeListType l:
                _builder.StartTable(1);
                _builder.AddInt32(0, l.ListSize);
                return (FlatBufferTypeTag.FixedSizeList, _builder.EndTable());
            case MapType m:
                _builder.StartTable(1);
                _builder.AddBool(0, m.KeySorted);
                return (FlatBufferTypeTag.Map, _builder.EndTable());
            case UnionType u:
            {
                int ids = _builder.CreateInt32Vector([.. u.TypeIds]);
                _builder.StartTable(2);
                _builder.AddInt16(0, (short)u.Mode);
                _builder.AddReference(1, ids);
                return (FlatBufferTypeTag.Union, _builder.EndTable());
            }

            default:
                FlatBufferTypeTag tag = type.TypeId switch
                {
                    ArrowTypeId.Null => FlatBufferTypeTag.Null,
                    ArrowTypeId.Boolean => FlatBufferTypeTag.Bool,
                    ArrowTypeId.String => FlatBufferTypeTag.Utf8,
                    ArrowTypeId.Binary => FlatBufferTypeTag.Binary,
                    ArrowTypeId.LargeString => FlatBufferTypeTag.LargeUtf8,
                    ArrowTypeId.LargeBinary => FlatBufferTypeTag.LargeBinary,
                    ArrowTypeId.StringView => FlatBufferTypeTag.Utf8View,
                    ArrowTypeId.BinaryView => FlatBufferTypeTag.BinaryView,
                    ArrowTypeId.List => FlatBufferTypeTag.List,
                    ArrowTypeId.LargeList => FlatBufferTypeTag.LargeList,
                    ArrowTypeId.ListView => FlatBufferTypeTag.ListView,
                    ArrowTypeId.LargeListView => FlatBufferTypeTag.LargeListView,
                    ArrowTypeId.Struct => FlatBufferTypeTag.Struct,
                    ArrowTypeId.RunEndEncoded => FlatBufferTypeTag.RunEndEncoded,
                    _ => throw new NotSupportedException($"Type {ArrowTypeText.Of(type)} cannot be written to an Arrow IPC stream (a dictionary's value type may not itself be a dictionary)."),
                };
                _builder.StartTable(0);
                return (tag, _builder.EndTable());
        }
    }

    /// <summary>Decimal: 0 precision, 1 scale, 2 bitWidth.</summary>
    private (FlatBufferTypeTag Tag, int Table) EncodeDecimal(int precision, int scale, int bitWidth)
    {
        _builder.StartTable(3);
        _builder.AddInt32(0, precision);
        _builder.AddInt32(1, scale);
        _builder.AddInt32(2, bitWidth);
        return (FlatBufferTypeTag.Decimal, _builder.EndTable());
    }

    private int EncodeKeyValues(IEnumerable<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null)
        {
            return 0;
        }

        KeyValuePair<string, string>[] pairs = [.. metadata];
        if (pairs.Length == 0)
        {
            return 0;
        }

        var offsets = new int[pairs.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            int key = _builder.CreateString(pairs[i].Key);
            int value = _builder.CreateString(pairs[i].Value);
            _builder.StartTable(2);
            _builder.AddReference(0, key);
            _builder.AddReference(1, value);
            offsets[i] = _builder.EndTable();
        }

        return _builder.CreateReferenceVector(offsets);
    }
}
