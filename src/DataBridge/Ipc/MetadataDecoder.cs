namespace DataBridge.Ipc;

/// <summary>
/// Decodes Schema.fbs tables (Schema, Field, the type tables, KeyValue) into Apache.Arrow <see cref="Schema"/>,
/// <see cref="Field"/> and <see cref="IArrowType"/>, applying the .fbs defaults for omitted fields and validating
/// every value the type constructors would otherwise reject (or throw their own exception types on), so hostile
/// metadata surfaces as <see cref="ArrowFormatException"/>. Apache.Arrow's <see cref="DictionaryType"/> has no
/// dictionary id: the ids of the stream's dictionary-encoded fields are returned beside the schema, keyed by the
/// <see cref="Field"/> instances of the decoded tree.
/// </summary>
internal static class MetadataDecoder
{
    /// <summary>Maximum field nesting depth (Arrow C++ uses the same bound).</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>
    /// Decodes a Schema table. Schema.fbs <c>table Schema</c>: id 0 <c>endianness: short</c> (Little = 0),
    /// id 1 <c>fields: [Field]</c>, id 2 <c>custom_metadata: [KeyValue]</c>, id 3 <c>features: [long]</c>.
    /// </summary>
    /// <param name="table">The Schema table.</param>
    /// <param name="messageIndex">The message's index in the stream, for errors.</param>
    /// <param name="dictionaryIds">Receives the dictionary id of every dictionary-encoded field, by field instance.</param>
    public static Schema DecodeSchema(FlatBufferTable table, int messageIndex, out Dictionary<Field, long> dictionaryIds)
    {
        short endianness = table.GetInt16(0, 0);
        if (endianness != 0)
        {
            throw new UnsupportedArrowFeatureException(
                endianness == 1 ? "endianness:Big" : $"endianness:{endianness}",
                $"Message {messageIndex}: the stream's bodies are big-endian; only little-endian bodies are supported.");
        }

        // A field tree is a DAG in a hostile flatbuffer (references may be shared); this budget bounds the
        // work to a number of fields proportional to the metadata size instead of exponential in the depth.
        int budget = (table.Buffer.Length / 4) + 1;
        FlatBufferVector fields = table.GetVector(1, 4);
        var decoded = new Field[fields.Count];
        var context = new Context(messageIndex, new Dictionary<Field, long>(ReferenceEqualityComparer.Instance));
        for (int i = 0; i < decoded.Length; i++)
        {
            decoded[i] = DecodeField(fields.GetTable(i), 1, null, ref budget, context);
        }

        dictionaryIds = context.Ids;
        return new Schema(decoded, DecodeMetadata(table, 2, "the schema", messageIndex));
    }

    /// <summary>Decodes a <c>[KeyValue]</c> vector field (KeyValue: id 0 <c>key</c>, id 1 <c>value</c>; both strings).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DecodeKeyValues(FlatBufferTable table, int id)
    {
        FlatBufferVector vector = table.GetVector(id, 4);
        if (vector.Count == 0)
        {
            return [];
        }

        var pairs = new KeyValuePair<string, string>[vector.Count];
        for (int i = 0; i < pairs.Length; i++)
        {
            FlatBufferTable kv = vector.GetTable(i);
            pairs[i] = new(kv.GetString(0) ?? string.Empty, kv.GetString(1) ?? string.Empty);
        }

        return pairs;
    }

    /// <summary>
    /// Decodes schema or field metadata for Apache.Arrow, whose metadata is a dictionary: a repeated key is
    /// malformed input here rather than an <see cref="ArgumentException"/> from its constructor. Null when empty.
    /// </summary>
    private static Dictionary<string, string>? DecodeMetadata(FlatBufferTable table, int id, string owner, int messageIndex)
    {
        IReadOnlyList<KeyValuePair<string, string>> pairs = DecodeKeyValues(table, id);
        if (pairs.Count == 0)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(pairs.Count, StringComparer.Ordinal);
        foreach ((string key, string value) in pairs)
        {
            if (!metadata.TryAdd(key, value))
            {
                throw new ArrowFormatException($"Message {messageIndex}: the custom metadata of {owner} repeats the key '{key}'.");
            }
        }

        return metadata;
    }

    private sealed record Context(int MessageIndex, Dictionary<Field, long> Ids);

    /// <summary>
    /// Decodes a Field table. Schema.fbs <c>table Field</c>: id 0 <c>name: string</c>, id 1 <c>nullable: bool</c>
    /// (default false), id 2 <c>type_type</c> (union tag), id 3 <c>type</c>, id 4 <c>dictionary: DictionaryEncoding</c>,
    /// id 5 <c>children: [Field]</c>, id 6 <c>custom_metadata: [KeyValue]</c>.
    /// </summary>
    private static Field DecodeField(FlatBufferTable table, int depth, string? parentPath, ref int budget, Context context)
    {
        int messageIndex = context.MessageIndex;
        string name = table.GetString(0) ?? string.Empty;
        string path = parentPath is null ? name : parentPath + "." + name;
        if (depth > MaxNestingDepth)
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' is nested deeper than {MaxNestingDepth} levels.");
        }

        if (--budget < 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: the schema declares more fields than its metadata can hold.");
        }

        bool nullable = table.GetBool(1, false);
        FlatBufferVector childVector = table.GetVector(5, 4);
        var children = new Field[childVector.Count];
        for (int i = 0; i < children.Length; i++)
        {
            children[i] = DecodeField(childVector.GetTable(i), depth + 1, path, ref budget, context);
        }

        var tag = (FlatBufferTypeTag)table.GetByte(2, 0);
        FlatBufferTable? typeTable = table.GetTable(3);
        IArrowType type = DecodeType(tag, typeTable, children, path, context);

        long? dictionaryId = null;
        if (table.GetTable(4) is { } encoding)
        {
            (type, dictionaryId) = DecodeDictionary(encoding, type, path, messageIndex);
        }

        var field = new Field(name, type, nullable, DecodeMetadata(table, 6, $"field '{path}'", messageIndex));
        if (dictionaryId is long id)
        {
            context.Ids[field] = id;
        }

        return field;
    }

    /// <summary>
    /// DictionaryEncoding: id 0 <c>id: long</c>, id 1 <c>indexType: Int</c> (absent = signed int32),
    /// id 2 <c>isOrdered: bool</c>, id 3 <c>dictionaryKind: short</c> (DenseArray = 0 only).
    /// </summary>
    private static (DictionaryType Type, long Id) DecodeDictionary(FlatBufferTable encoding, IArrowType valueType, string path, int messageIndex)
    {
        long id = encoding.GetInt64(0, 0);
        IntegerType indexType = Int32Type.Default;
        if (encoding.GetTable(1) is { } indexTable)
        {
            indexType = DecodeInt(indexTable, path, messageIndex);
        }

        short kind = encoding.GetInt16(3, 0);
        if (kind != 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has unknown dictionary kind {kind}.");
        }

        return (new DictionaryType(indexType, valueType, encoding.GetBool(2, false)), id);
    }

    private static IArrowType DecodeType(FlatBufferTypeTag tag, FlatBufferTable? typeTable, Field[] children, string path, Context context)
    {
        int messageIndex = context.MessageIndex;

        // Every type table except the ones without fields must be present; an absent table means all defaults.
        FlatBufferTable t = typeTable ?? default;
        bool has = typeTable.HasValue;
        switch (tag)
        {
            case FlatBufferTypeTag.Null:
                return NoChildren(NullType.Default);
            case FlatBufferTypeTag.Bool:
                return NoChildren(BooleanType.Default);
            case FlatBufferTypeTag.Utf8:
                return NoChildren(StringType.Default);
            case FlatBufferTypeTag.Binary:
                return NoChildren(BinaryType.Default);
            case FlatBufferTypeTag.LargeUtf8:
                return NoChildren(LargeStringType.Default);
            case FlatBufferTypeTag.LargeBinary:
                return NoChildren(LargeBinaryType.Default);
            case FlatBufferTypeTag.Utf8View:
                return NoChildren(StringViewType.Default);
            case FlatBufferTypeTag.BinaryView:
                return NoChildren(BinaryViewType.Default);
            case FlatBufferTypeTag.Int:
                return NoChildren(has ? DecodeInt(t, path, messageIndex) : throw Bad("an Int type without its table"));
            case FlatBufferTypeTag.FloatingPoint:
            {
                // FloatingPoint: id 0 precision: short (HALF = 0, SINGLE, DOUBLE).
                short precision = has ? t.GetInt16(0, 0) : (short)0;
                return precision switch
                {
                    0 => NoChildren(HalfFloatType.Default),
                    1 => NoChildren(FloatType.Default),
                    2 => NoChildren(DoubleType.Default),
                    _ => throw Bad($"unknown floating-point precision {precision}"),
                };
            }

            case FlatBufferTypeTag.Decimal:
            {
                // Decimal: id 0 precision: int, id 1 scale: int, id 2 bitWidth: int = 128.
                int precision = has ? t.GetInt32(0, 0) : 0;
                int scale = has ? t.GetInt32(1, 0) : 0;
                int bitWidth = has ? t.GetInt32(2, 128) : 128;
                int maxPrecision = bitWidth switch { 32 => 9, 64 => 18, 128 => 38, 256 => 76, _ => 0 };
                if (maxPrecision == 0 || precision <= 0 || precision > maxPrecision)
                {
                    throw Bad($"an invalid decimal (precision {precision}, scale {scale}, bit width {bitWidth})");
                }

                return NoChildren(bitWidth switch
                {
                    32 => new Decimal32Type(precision, scale),
                    64 => new Decimal64Type(precision, scale),
                    128 => new Decimal128Type(precision, scale),
                    _ => new Decimal256Type(precision, scale),
                });
            }

            case FlatBufferTypeTag.Date:
            {
                // Date: id 0 unit: short (DAY = 0, MILLISECOND = 1; default MILLISECOND).
                short unit = has ? t.GetInt16(0, 1) : (short)1;
                return unit switch
                {
                    0 => NoChildren(Date32Type.Default),
                    1 => NoChildren(Date64Type.Default),
                    _ => throw Bad($"unknown date unit {unit}"),
                };
            }

            case FlatBufferTypeTag.Time:
            {
                // Time: id 0 unit: short (default MILLISECOND), id 1 bitWidth: int (default 32).
                short unit = has ? t.GetInt16(0, 1) : (short)1;
                int bitWidth = has ? t.GetInt32(1, 32) : 32;
                return (unit, bitWidth) switch
                {
                    (0 or 1, 32) => NoChildren(new Time32Type((TimeUnit)unit)),
                    (2 or 3, 64) => NoChildren(new Time64Type((TimeUnit)unit)),
                    _ => throw Bad($"an invalid time type (unit {unit}, bit width {bitWidth})"),
                };
            }

            case FlatBufferTypeTag.Timestamp:
            {
                // Timestamp: id 0 unit: short (default SECOND), id 1 timezone: string.
                short unit = has ? t.GetInt16(0, 0) : (short)0;
                return unit is >= 0 and <= 3
                    ? NoChildren(new TimestampType((TimeUnit)unit, has ? t.GetString(1) : null))
                    : throw Bad($"unknown timestamp unit {unit}");
            }

            case FlatBufferTypeTag.Duration:
            {
                // Duration: id 0 unit: short (default MILLISECOND).
                short unit = has ? t.GetInt16(0, 1) : (short)1;
                return unit is >= 0 and <= 3 ? NoChildren(DurationOf((TimeUnit)unit)) : throw Bad($"unknown duration unit {unit}");
            }

            case FlatBufferTypeTag.Interval:
            {
                // Interval: id 0 unit: short (YEAR_MONTH = 0, DAY_TIME, MONTH_DAY_NANO).
                short unit = has ? t.GetInt16(0, 0) : (short)0;
                return unit is >= 0 and <= 2 ? NoChildren(new IntervalType((IntervalUnit)unit)) : throw Bad($"unknown interval unit {unit}");
            }

            case FlatBufferTypeTag.FixedSizeBinary:
            {
                // FixedSizeBinary: id 0 byteWidth: int.
                int width = has ? t.GetInt32(0, 0) : 0;
                if (width == 0)
                {
                    // Valid Arrow, but Apache.Arrow's FixedSizeBinaryType cannot hold a width of 0.
                    throw new UnsupportedArrowFeatureException(
                        "type:fixed_size_binary[0]", $"Message {messageIndex}: field '{path}' is fixed-size binary of width 0, which Apache.Arrow cannot represent.");
                }

                return width > 0 ? NoChildren(new FixedSizeBinaryType(width)) : throw Bad($"a negative fixed-size binary width {width}");
            }

            case FlatBufferTypeTag.List:
                return children.Length == 1 ? new ListType(children[0]) : throw Bad($"a list with {children.Length} children");
            case FlatBufferTypeTag.LargeList:
                return children.Length == 1 ? new LargeListType(children[0]) : throw Bad($"a large list with {children.Length} children");
            case FlatBufferTypeTag.ListView:
                return children.Length == 1 ? new ListViewType(children[0]) : throw Bad($"a list view with {children.Length} children");
            case FlatBufferTypeTag.LargeListView:
                return children.Length == 1 ? new LargeListViewType(children[0]) : throw Bad($"a large list view with {children.Length} children");
            case FlatBufferTypeTag.FixedSizeList:
            {
                // FixedSizeList: id 0 listSize: int.
                int size = has ? t.GetInt32(0, 0) : 0;
                if (children.Length != 1 || size < 0)
                {
                    throw Bad($"a fixed-size list with {children.Length} children and size {size}");
                }

                return new FixedSizeListType(children[0], size);
            }

            case FlatBufferTypeTag.Map:
            {
                // Map: id 0 keysSorted: bool. One child: a struct of exactly two fields (key, value).
                if (children.Length != 1 || children[0].DataType is not StructType { Fields.Count: 2 } entries)
                {
                    throw Bad("a map whose child is not a struct of two fields");
                }

                if (context.Ids.ContainsKey(children[0]))
                {
                    throw Bad("a dictionary-encoded map entries struct");
                }

                // MapType names its entries "entries", "key" and "value" (new Field instances when the stream's
                // names differ): carry the dictionary ids of the key and value fields over to those instances.
                var map = new MapType(children[0], has && t.GetBool(0, false));
                MoveId(entries.Fields[0], map.KeyField);
                MoveId(entries.Fields[1], map.ValueField);
                return map;
            }

            case FlatBufferTypeTag.Struct or FlatBufferTypeTag.Union when children.Length == 0:
                // Valid Arrow, but Apache.Arrow's nested types cannot be built without a child.
                throw new UnsupportedArrowFeatureException(
                    $"type:{tag.ToString().ToLowerInvariant()}-without-fields", $"Message {messageIndex}: field '{path}' is a {tag.ToString().ToLowerInvariant()} without fields, which Apache.Arrow cannot represent.");
            case FlatBufferTypeTag.Struct:
                return new StructType(children);
            case FlatBufferTypeTag.Union:
                return DecodeUnion(t, has, children, path, messageIndex);
            case FlatBufferTypeTag.RunEndEncoded:
            {
                // RunEndEncoded: no table fields; children run_ends (int16/32/64, not null) and values.
                if (children.Length != 2 || children[0].DataType.TypeId is not (ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64))
                {
                    throw Bad("a run-end encoded type whose children are not run ends (int16, int32 or int64) and values");
                }

                if (context.Ids.ContainsKey(children[0]))
                {
                    throw Bad("dictionary-encoded run ends");
                }

                return new RunEndEncodedType(children[0], children[1]);
            }

            default:
                throw Bad($"unknown type tag {(int)tag}");
        }

        IArrowType NoChildren(IArrowType type) =>
            children.Length == 0 ? type : throw Bad($"a {type.Name} type with {children.Length} children");

        ArrowFormatException Bad(string what) => new($"Message {messageIndex}: field '{path}' has {what}.");

        void MoveId(Field from, Field to)
        {
            if (!ReferenceEquals(from, to) && context.Ids.Remove(from, out long id))
            {
                context.Ids[to] = id;
            }
        }
    }

    private static DurationType DurationOf(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => DurationType.Second,
        TimeUnit.Millisecond => DurationType.Millisecond,
        TimeUnit.Microsecond => DurationType.Microsecond,
        _ => DurationType.Nanosecond,
    };

    /// <summary>Union: id 0 mode: short (Sparse = 0, Dense = 1), id 1 typeIds: [int] (absent = 0..n-1).</summary>
    private static UnionType DecodeUnion(FlatBufferTable t, bool has, Field[] children, string path, int messageIndex)
    {
        short mode = has ? t.GetInt16(0, 0) : (short)0;
        if (mode is not (0 or 1))
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has unknown union mode {mode}.");
        }

        FlatBufferVector ids = has ? t.GetVector(1, 4) : default;
        int[] typeIds;
        if (ids.Count > 0)
        {
            typeIds = new int[ids.Count];
            Span<bool> seen = stackalloc bool[128];
            for (int i = 0; i < typeIds.Length; i++)
            {
                int id = ids.GetInt32(i);
                if ((uint)id > 127 || seen[id])
                {
                    throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has an invalid or repeated union type id {id}.");
                }

                seen[id] = true;
                typeIds[i] = id;
            }
        }
        else
        {
            typeIds = [.. Enumerable.Range(0, children.Length)];
        }

        if (typeIds.Length != children.Length || children.Length > 128)
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has {children.Length} union children but {typeIds.Length} type ids.");
        }

        return new UnionType(children, typeIds, (UnionMode)mode);
    }

    /// <summary>Int: id 0 bitWidth: int, id 1 is_signed: bool (default false).</summary>
    private static IntegerType DecodeInt(FlatBufferTable t, string path, int messageIndex)
    {
        int bitWidth = t.GetInt32(0, 0);
        return TypeLayout.Integer(bitWidth, t.GetBool(1, false))
            ?? throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has an integer type of {bitWidth} bits.");
    }
}
