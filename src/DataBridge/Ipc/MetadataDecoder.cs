namespace DataBridge.Ipc;

/// <summary>
/// Decodes Schema.fbs tables (Schema, Field, the type tables, KeyValue) into <see cref="Schema"/> and
/// <see cref="Field"/>, applying the .fbs defaults for omitted fields and validating every value the
/// type constructors would otherwise reject, so hostile metadata surfaces as <see cref="ArrowFormatException"/>.
/// </summary>
internal static class MetadataDecoder
{
    /// <summary>Maximum field nesting depth (Arrow C++ uses the same bound).</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>
    /// Decodes a Schema table. Schema.fbs <c>table Schema</c>: id 0 <c>endianness: short</c> (Little = 0),
    /// id 1 <c>fields: [Field]</c>, id 2 <c>custom_metadata: [KeyValue]</c>, id 3 <c>features: [long]</c>.
    /// </summary>
    public static Schema DecodeSchema(FlatBufferTable table, int messageIndex)
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
        for (int i = 0; i < decoded.Length; i++)
        {
            decoded[i] = DecodeField(fields.GetTable(i), 1, null, ref budget, messageIndex);
        }

        return new Schema(decoded, DecodeKeyValues(table, 2));
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
    /// Decodes a Field table. Schema.fbs <c>table Field</c>: id 0 <c>name: string</c>, id 1 <c>nullable: bool</c>
    /// (default false), id 2 <c>type_type</c> (union tag), id 3 <c>type</c>, id 4 <c>dictionary: DictionaryEncoding</c>,
    /// id 5 <c>children: [Field]</c>, id 6 <c>custom_metadata: [KeyValue]</c>.
    /// </summary>
    private static Field DecodeField(FlatBufferTable table, int depth, string? parentPath, ref int budget, int messageIndex)
    {
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
            children[i] = DecodeField(childVector.GetTable(i), depth + 1, path, ref budget, messageIndex);
        }

        var tag = (FlatBufferTypeTag)table.GetByte(2, 0);
        FlatBufferTable? typeTable = table.GetTable(3);
        ArrowType type = DecodeType(tag, typeTable, children, path, messageIndex);

        FlatBufferTable? dictionary = table.GetTable(4);
        if (dictionary is { } encoding)
        {
            type = DecodeDictionary(encoding, type, path, messageIndex);
        }

        return new Field(name, type, nullable, DecodeKeyValues(table, 6));
    }

    /// <summary>
    /// DictionaryEncoding: id 0 <c>id: long</c>, id 1 <c>indexType: Int</c> (absent = signed int32),
    /// id 2 <c>isOrdered: bool</c>, id 3 <c>dictionaryKind: short</c> (DenseArray = 0 only).
    /// </summary>
    private static DictionaryType DecodeDictionary(FlatBufferTable encoding, ArrowType valueType, string path, int messageIndex)
    {
        long id = encoding.GetInt64(0, 0);
        IntType indexType = IntType.Int32;
        if (encoding.GetTable(1) is { } indexTable)
        {
            indexType = DecodeInt(indexTable, path, messageIndex);
        }

        short kind = encoding.GetInt16(3, 0);
        if (kind != 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has unknown dictionary kind {kind}.");
        }

        return new DictionaryType(indexType, valueType, encoding.GetBool(2, false), id);
    }

    private static ArrowType DecodeType(FlatBufferTypeTag tag, FlatBufferTable? typeTable, Field[] children, string path, int messageIndex)
    {
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
                return NoChildren(Utf8Type.Default);
            case FlatBufferTypeTag.Binary:
                return NoChildren(BinaryType.Default);
            case FlatBufferTypeTag.LargeUtf8:
                return NoChildren(LargeUtf8Type.Default);
            case FlatBufferTypeTag.LargeBinary:
                return NoChildren(LargeBinaryType.Default);
            case FlatBufferTypeTag.Int:
                return NoChildren(has ? DecodeInt(t, path, messageIndex) : throw Bad("an Int type without its table"));
            case FlatBufferTypeTag.FloatingPoint:
            {
                // FloatingPoint: id 0 precision: short (HALF = 0, SINGLE, DOUBLE).
                short precision = has ? t.GetInt16(0, 0) : (short)0;
                return precision is >= 0 and <= 2
                    ? NoChildren(FloatingPointType.Get((FloatPrecision)precision))
                    : throw Bad($"unknown floating-point precision {precision}");
            }

            case FlatBufferTypeTag.Decimal:
            {
                // Decimal: id 0 precision: int, id 1 scale: int, id 2 bitWidth: int = 128.
                int precision = has ? t.GetInt32(0, 0) : 0;
                int scale = has ? t.GetInt32(1, 0) : 0;
                int bitWidth = has ? t.GetInt32(2, 128) : 128;
                if (bitWidth is not (32 or 64 or 128 or 256) || precision <= 0)
                {
                    throw Bad($"an invalid decimal (precision {precision}, bit width {bitWidth})");
                }

                return NoChildren(new DecimalType(precision, scale, bitWidth));
            }

            case FlatBufferTypeTag.Date:
            {
                // Date: id 0 unit: short (DAY = 0, MILLISECOND = 1; default MILLISECOND).
                short unit = has ? t.GetInt16(0, 1) : (short)1;
                return unit is 0 or 1 ? NoChildren(DateType.Get((DateUnit)unit)) : throw Bad($"unknown date unit {unit}");
            }

            case FlatBufferTypeTag.Time:
            {
                // Time: id 0 unit: short (default MILLISECOND), id 1 bitWidth: int (default 32).
                short unit = has ? t.GetInt16(0, 1) : (short)1;
                int bitWidth = has ? t.GetInt32(1, 32) : 32;
                bool valid = unit is 0 or 1 ? bitWidth == 32 : unit is 2 or 3 && bitWidth == 64;
                return valid ? NoChildren(new TimeType((TimeUnit)unit)) : throw Bad($"an invalid time type (unit {unit}, bit width {bitWidth})");
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
                return unit is >= 0 and <= 3 ? NoChildren(new DurationType((TimeUnit)unit)) : throw Bad($"unknown duration unit {unit}");
            }

            case FlatBufferTypeTag.Interval:
            {
                // Interval: id 0 unit: short (YEAR_MONTH = 0, DAY_TIME, MONTH_DAY_NANO).
                short unit = has ? t.GetInt16(0, 0) : (short)0;
                return unit is >= 0 and <= 2 ? NoChildren(IntervalType.Get((IntervalUnit)unit)) : throw Bad($"unknown interval unit {unit}");
            }

            case FlatBufferTypeTag.FixedSizeBinary:
            {
                // FixedSizeBinary: id 0 byteWidth: int.
                int width = has ? t.GetInt32(0, 0) : 0;
                return width >= 0 ? NoChildren(new FixedSizeBinaryType(width)) : throw Bad($"a negative fixed-size binary width {width}");
            }

            case FlatBufferTypeTag.List:
                return children.Length == 1 ? new ListType(children[0]) : throw Bad($"a list with {children.Length} children");
            case FlatBufferTypeTag.LargeList:
                return children.Length == 1 ? new LargeListType(children[0]) : throw Bad($"a large list with {children.Length} children");
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
                if (children.Length != 1 || children[0].DataType is not StructType { Fields.Count: 2 })
                {
                    throw Bad("a map whose child is not a struct of two fields");
                }

                return new MapType(children[0], has && t.GetBool(0, false));
            }

            case FlatBufferTypeTag.Struct:
                return new StructType(children);
            case FlatBufferTypeTag.Union:
                return DecodeUnion(t, has, children, path, messageIndex);
            case FlatBufferTypeTag.RunEndEncoded:
            case FlatBufferTypeTag.BinaryView:
            case FlatBufferTypeTag.Utf8View:
            case FlatBufferTypeTag.ListView:
            case FlatBufferTypeTag.LargeListView:
                throw new UnsupportedArrowFeatureException($"type:{tag}", $"Message {messageIndex}: field '{path}' has type {tag}, which is not supported.");
            default:
                throw Bad($"unknown type tag {(int)tag}");
        }

        ArrowType NoChildren(ArrowType type) =>
            children.Length == 0 ? type : throw Bad($"a {type} type with {children.Length} children");

        ArrowFormatException Bad(string what) => new($"Message {messageIndex}: field '{path}' has {what}.");
    }

    /// <summary>Union: id 0 mode: short (Sparse = 0, Dense = 1), id 1 typeIds: [int] (absent = 0..n-1).</summary>
    private static UnionType DecodeUnion(FlatBufferTable t, bool has, Field[] children, string path, int messageIndex)
    {
        short mode = has ? t.GetInt16(0, 0) : (short)0;
        if (mode is not (0 or 1))
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has unknown union mode {mode}.");
        }

        FlatBufferVector ids = has ? t.GetVector(1, 4) : default;
        int[]? typeIds = null;
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

        if ((typeIds?.Length ?? children.Length) != children.Length || children.Length > 128)
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has {children.Length} union children but {typeIds?.Length} type ids.");
        }

        return new UnionType(children, (UnionMode)mode, typeIds);
    }

    /// <summary>Int: id 0 bitWidth: int, id 1 is_signed: bool (default false).</summary>
    private static IntType DecodeInt(FlatBufferTable t, string path, int messageIndex)
    {
        int bitWidth = t.GetInt32(0, 0);
        if (bitWidth is not (8 or 16 or 32 or 64))
        {
            throw new ArrowFormatException($"Message {messageIndex}: field '{path}' has an integer type of {bitWidth} bits.");
        }

        return IntType.Get(bitWidth, t.GetBool(1, false));
    }
}
