using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace DataBridge.Cli.Canonical;

/// <summary>
/// Writes a schema and record batches as canonical JSON (defined by <see cref="CanonicalJson"/>, which
/// states the value rules; docs/arrow-cli.md).
/// </summary>
/// <remarks>
/// The array data may come from an untrusted stream, so every buffer access is bounds-checked and a
/// violation raises <see cref="ArrowFormatException"/> rather than an index exception: the codec validates
/// the layout, and this writer does not rely on that for memory safety.
/// </remarks>
internal sealed class CanonicalJsonWriter
{
    private const string HexDigits = "0123456789abcdef";
    private const string ExtensionNameKey = "ARROW:extension:name";
    private const string ExtensionMetadataKey = "ARROW:extension:metadata";

    private readonly Utf8JsonWriter _json;
    private readonly IReadOnlyList<long>? _dictionaryIds;
    private readonly Dictionary<StructType, bool> _uniqueNames = new(ReferenceEqualityComparer.Instance);
    private int _dictionaryFields;

    /// <param name="json">Where the document goes.</param>
    /// <param name="dictionaryIds">
    /// The dictionary ids of the schema's dictionary-encoded fields in pre-order (a field before its
    /// children), e.g. as the stream's Schema message declares them; Apache.Arrow's
    /// <see cref="DictionaryType"/> has no id. Null, or too short, numbers the remaining fields 0, 1, 2, ...
    /// above every given id.
    /// </param>
    public CanonicalJsonWriter(Utf8JsonWriter json, IReadOnlyList<long>? dictionaryIds = null)
    {
        _json = json;
        _dictionaryIds = dictionaryIds;
    }

    /// <summary>Writes <c>{"schema": ..., "batches": [...]}</c>, flushing after every batch.</summary>
    public void WriteDocument(Schema schema, IEnumerable<RecordBatch> batches)
    {
        _json.WriteStartObject();
        _json.WritePropertyName("schema");
        WriteSchema(schema);
        _json.WriteStartArray("batches");
        _json.Flush();
        foreach (RecordBatch batch in batches)
        {
            WriteBatch(batch);
            _json.Flush();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.Flush();
    }

    public void WriteSchema(Schema schema)
    {
        _dictionaryFields = 0;
        _json.WriteStartObject();
        // Big-endian bodies are refused by the codec, so every schema that reaches here is little-endian.
        _json.WriteString("endianness", "Little");
        _json.WriteStartArray("fields");
        foreach (Field field in schema.FieldsList)
        {
            WriteField(field);
        }

        _json.WriteEndArray();
        WriteMetadata(schema.Metadata, null);
        _json.WriteEndObject();
    }

    public void WriteBatch(RecordBatch batch)
    {
        _json.WriteStartObject();
        _json.WriteNumber("length", batch.Length);
        _json.WriteStartArray("columns");
        for (int c = 0; c < batch.ColumnCount; c++)
        {
            ArrayData column = batch.Column(c).Data;
            if (column.Length != batch.Length)
            {
                throw new ArrowFormatException($"Column {c} has {column.Length} rows but its batch has {batch.Length}.");
            }

            _json.WriteStartArray();
            for (int i = 0; i < column.Length; i++)
            {
                WriteValue(column, i);
            }

            _json.WriteEndArray();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    /// <summary>The type whose layout the data has: an extension type is written as its storage type.</summary>
    private static IArrowType Storage(IArrowType type) => type is ExtensionType extension ? extension.StorageType : type;

    private static IReadOnlyList<Field> ChildrenOf(IArrowType type) => type is NestedType nested ? nested.Fields : [];

    private long NextDictionaryId()
    {
        int index = _dictionaryFields++;
        if (_dictionaryIds is not null && index < _dictionaryIds.Count)
        {
            return _dictionaryIds[index];
        }

        long above = _dictionaryIds is { Count: > 0 } ? _dictionaryIds.Max() + 1 : 0;
        return above + index - (_dictionaryIds?.Count ?? 0);
    }

    private void WriteField(Field field)
    {
        IArrowType type = Storage(field.DataType);
        DictionaryType? dictionary = type as DictionaryType;
        long dictionaryId = 0;
        if (dictionary is not null)
        {
            // Canonical JSON, like Schema.fbs, gives a dictionary-encoded field its value type.
            type = Storage(dictionary.ValueType);
            // Numbered before the children: ids are listed in pre-order.
            dictionaryId = NextDictionaryId();
        }

        _json.WriteStartObject();
        _json.WriteString("name", field.Name);
        _json.WriteBoolean("nullable", field.IsNullable);
        _json.WritePropertyName("type");
        WriteType(type);
        _json.WriteStartArray("children");
        foreach (Field child in ChildrenOf(type))
        {
            WriteField(child);
        }

        _json.WriteEndArray();
        if (dictionary is not null)
        {
            _json.WriteStartObject("dictionary");
            _json.WriteNumber("id", dictionaryId);
            _json.WritePropertyName("indexType");
            WriteType(dictionary.IndexType);
            _json.WriteBoolean("isOrdered", dictionary.Ordered);
            _json.WriteEndObject();
        }

        WriteMetadata(field.Metadata, field.DataType as ExtensionType ?? (dictionary?.ValueType as ExtensionType));
        _json.WriteEndObject();
    }

    private void WriteMetadata(IReadOnlyDictionary<string, string>? metadata, ExtensionType? extension)
    {
        // Sorted by key, then value, in UTF-16 code unit order (JavaScript's string order): writers do not
        // agree on the order of KeyValue pairs.
        List<KeyValuePair<string, string>> pairs = metadata is null ? [] : [.. metadata];
        if (extension is not null && !pairs.Any(p => p.Key == ExtensionNameKey))
        {
            // A registered extension type may have taken its keys out of the field's metadata: Schema.fbs has them there.
            pairs.Add(new KeyValuePair<string, string>(ExtensionNameKey, extension.Name));
            pairs.Add(new KeyValuePair<string, string>(ExtensionMetadataKey, extension.ExtensionMetadata ?? string.Empty));
        }

        pairs.Sort(static (a, b) =>
        {
            int byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        _json.WriteStartArray("metadata");
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            _json.WriteStartArray();
            _json.WriteStringValue(pair.Key);
            _json.WriteStringValue(pair.Value);
            _json.WriteEndArray();
        }

        _json.WriteEndArray();
    }

    private void WriteType(IArrowType type)
    {
        type = Storage(type);
        _json.WriteStartObject();
        switch (type)
        {
            case NullType:
                _json.WriteString("name", "null");
                break;
            case BooleanType:
                _json.WriteString("name", "bool");
                break;
            case IntegerType t:
                _json.WriteString("name", "int");
                _json.WriteNumber("bitWidth", t.BitWidth);
                _json.WriteBoolean("isSigned", t.IsSigned);
                break;
            case FloatingPointType t:
                _json.WriteString("name", "floatingpoint");
                _json.WriteString("precision", CanonicalNames.Precision(t.Precision));
                break;
            case StringType:
                _json.WriteString("name", "utf8");
                break;
            case LargeStringType:
                _json.WriteString("name", "largeutf8");
                break;
            case StringViewType:
                _json.WriteString("name", "utf8view");
                break;
            case BinaryType:
                _json.WriteString("name", "binary");
                break;
            case LargeBinaryType:
                _json.WriteString("name", "largebinary");
                break;
            case BinaryViewType:
                _json.WriteString("name", "binaryview");
                break;
            case FixedSizeBinaryType when CanonicalNames.TryGetDecimal(type, out int precision, out int scale, out int bitWidth):
                // Before FixedSizeBinaryType, from which Apache.Arrow derives the decimals.
                _json.WriteString("name", "decimal");
                _json.WriteNumber("precision", precision);
                _json.WriteNumber("scale", scale);
                _json.WriteNumber("bitWidth", bitWidth);
                break;
            case FixedSizeBinaryType t:
                _json.WriteString("name", "fixedsizebinary");
                _json.WriteNumber("byteWidth", t.ByteWidth);
                break;
            case DateType t:
                _json.WriteString("name", "date");
                _json.WriteString("unit", t is Date32Type ? "DAY" : "MILLISECOND");
                break;
            case TimeType t:
                _json.WriteString("name", "time");
                _json.WriteString("unit", CanonicalNames.TimeUnit(t.Unit));
                _json.WriteNumber("bitWidth", t.BitWidth);
                break;
            case TimestampType t:
                _json.WriteString("name", "timestamp");
                _json.WriteString("unit", CanonicalNames.TimeUnit(t.Unit));
                if (t.Timezone is null)
                {
                    _json.WriteNull("timezone");
                }
                else
                {
                    _json.WriteString("timezone", t.Timezone);
                }

                break;
            case DurationType t:
                _json.WriteString("name", "duration");
                _json.WriteString("unit", CanonicalNames.TimeUnit(t.Unit));
                break;
            case IntervalType t:
                _json.WriteString("name", "interval");
                _json.WriteString("unit", CanonicalNames.IntervalUnit(t.Unit));
                break;
            case ListType:
                _json.WriteString("name", "list");
                break;
            case LargeListType:
                _json.WriteString("name", "largelist");
                break;
            case ListViewType:
                _json.WriteString("name", "listview");
                break;
            case LargeListViewType:
                _json.WriteString("name", "largelistview");
                break;
            case FixedSizeListType t:
                _json.WriteString("name", "fixedsizelist");
                _json.WriteNumber("listSize", t.ListSize);
                break;
            case StructType:
                _json.WriteString("name", "struct");
                break;
            case MapType t:
                _json.WriteString("name", "map");
                _json.WriteBoolean("keysSorted", t.KeySorted);
                break;
            case UnionType t:
                _json.WriteString("name", "union");
                _json.WriteString("mode", t.Mode == UnionMode.Sparse ? "SPARSE" : "DENSE");
                _json.WriteStartArray("typeIds");
                foreach (int id in t.TypeIds)
                {
                    _json.WriteNumberValue(id);
                }

                _json.WriteEndArray();
                break;
            case RunEndEncodedType:
                // The run ends and values types are its two children.
                _json.WriteString("name", "runendencoded");
                break;
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON has no representation for the type {ArrowTypeText.Of(type)}.");
        }

        _json.WriteEndObject();
    }

    /// <summary>Writes element <paramref name="index"/> (logical, i.e. before <see cref="ArrayData.Offset"/>) of <paramref name="data"/>.</summary>
    private void WriteValue(ArrayData data, long index)
    {
        if ((ulong)index >= (ulong)data.Length)
        {
            throw new ArrowFormatException($"Element {index} is outside a {Describe(data)} array of length {data.Length}.");
        }

        IArrowType type = Storage(data.DataType);
        if (type is NullType)
        {
            _json.WriteNullValue();
            return;
        }

        long position = data.Offset + index;
        // Unions and run-end encoded arrays have no validity bitmap of their own (their nulls live in the
        // children); a V4 union's bitmap is ignored, as the oracle does.
        if (type is not (UnionType or RunEndEncodedType) && IsNull(data, position))
        {
            _json.WriteNullValue();
            return;
        }

        switch (type)
        {
            case DictionaryType t:
                WriteDictionaryValue(data, t, position);
                break;
            case BooleanType:
                _json.WriteBooleanValue(ReadBit(Buffer(data, 1), position));
                break;
            case IntegerType t:
                WriteInteger(data, t, position);
                break;
            case HalfFloatType:
                WriteFloat((double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(Slot(data, 1, position, 2))));
                break;
            case FloatType:
                WriteFloat(BinaryPrimitives.ReadSingleLittleEndian(Slot(data, 1, position, 4)));
                break;
            case DoubleType:
                WriteFloat(BinaryPrimitives.ReadDoubleLittleEndian(Slot(data, 1, position, 8)));
                break;
            case FixedSizeBinaryType t when CanonicalNames.TryGetDecimal(type, out _, out _, out _):
                _json.WriteStringValue(new BigInteger(Slot(data, 1, position, t.ByteWidth), isUnsigned: false, isBigEndian: false).ToString(CultureInfo.InvariantCulture));
                break;
            case FixedSizeBinaryType t:
                WriteHex(Slot(data, 1, position, t.ByteWidth));
                break;
            case Date32Type or Time32Type:
                _json.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(Slot(data, 1, position, 4)));
                break;
            case Date64Type or Time64Type or TimestampType or DurationType:
                WriteInt64String(BinaryPrimitives.ReadInt64LittleEndian(Slot(data, 1, position, 8)));
                break;
            case IntervalType t:
                WriteInterval(data, t, position);
                break;
            case StringType or BinaryType:
                WriteBinaryLike(data, position, large: false, isString: type is StringType);
                break;
            case LargeStringType or LargeBinaryType:
                WriteBinaryLike(data, position, large: true, isString: type is LargeStringType);
                break;
            case StringViewType or BinaryViewType:
                WriteBinaryView(data, position, isString: type is StringViewType);
                break;
            case ListType or MapType:
                WriteListLike(data, position, large: false, isMap: type is MapType);
                break;
            case LargeListType:
                WriteListLike(data, position, large: true, isMap: false);
                break;
            case ListViewType or LargeListViewType:
                WriteListView(data, position, large: type is LargeListViewType);
                break;
            case FixedSizeListType t:
                WriteFixedSizeList(data, t, position);
                break;
            case StructType t:
                WriteStruct(data, t, position);
                break;
            case UnionType t:
                WriteUnion(data, t, position);
                break;
            case RunEndEncodedType t:
                WriteRunEndEncoded(data, t, position);
                break;
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON has no representation for values of type {ArrowTypeText.Of(type)}.");
        }
    }

    private void WriteDictionaryValue(ArrayData data, DictionaryType type, long position)
    {
        ArrayData dictionary = data.Dictionary
            ?? throw new ArrowFormatException($"A dictionary-encoded array ({Describe(data)}) has no dictionary.");
        long index = ReadInteger(data, (IntegerType)type.IndexType, position);
        if ((ulong)index >= (ulong)dictionary.Length)
        {
            throw new ArrowFormatException($"Dictionary index {index} is outside the dictionary of length {dictionary.Length}.");
        }

        WriteValue(dictionary, index);
    }

    private void WriteInteger(ArrayData data, IntegerType type, long position)
    {
        if (type.BitWidth == 64)
        {
            ReadOnlySpan<byte> slot = Slot(data, 1, position, 8);
            _json.WriteStringValue(type.IsSigned
                ? BinaryPrimitives.ReadInt64LittleEndian(slot).ToString(CultureInfo.InvariantCulture)
                : BinaryPrimitives.ReadUInt64LittleEndian(slot).ToString(CultureInfo.InvariantCulture));
            return;
        }

        _json.WriteNumberValue(ReadInteger(data, type, position));
    }

    /// <summary>Reads an integer of 8 to 64 bits (unsigned 64-bit values above long.MaxValue wrap).</summary>
    private static long ReadInteger(ArrayData data, IntegerType type, long position)
    {
        ReadOnlySpan<byte> slot = Slot(data, 1, position, type.BitWidth / 8);
        return (type.BitWidth, type.IsSigned) switch
        {
            (8, true) => (sbyte)slot[0],
            (8, false) => slot[0],
            (16, true) => BinaryPrimitives.ReadInt16LittleEndian(slot),
            (16, false) => BinaryPrimitives.ReadUInt16LittleEndian(slot),
            (32, true) => BinaryPrimitives.ReadInt32LittleEndian(slot),
            (32, false) => BinaryPrimitives.ReadUInt32LittleEndian(slot),
            _ => BinaryPrimitives.ReadInt64LittleEndian(slot),
        };
    }

    private void WriteFloat(double value)
    {
        if (double.IsNaN(value))
        {
            _json.WriteStringValue("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            _json.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(value))
        {
            _json.WriteStringValue("-Infinity");
        }
        else if (value == 0 && double.IsNegative(value))
        {
            _json.WriteStringValue("-0");
        }
        else
        {
            _json.WriteNumberValue(value);
        }
    }

    private void WriteInterval(ArrayData data, IntervalType type, long position)
    {
        switch (type.Unit)
        {
            case IntervalUnit.YearMonth:
                _json.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(Slot(data, 1, position, 4)));
                break;
            case IntervalUnit.DayTime:
            {
                // Layout: int32 days, int32 milliseconds.
                ReadOnlySpan<byte> slot = Slot(data, 1, position, 8);
                _json.WriteStartObject();
                _json.WriteNumber("days", BinaryPrimitives.ReadInt32LittleEndian(slot));
                _json.WriteNumber("milliseconds", BinaryPrimitives.ReadInt32LittleEndian(slot[4..]));
                _json.WriteEndObject();
                break;
            }

            default:
            {
                // Layout: int32 months, int32 days, int64 nanoseconds.
                ReadOnlySpan<byte> slot = Slot(data, 1, position, 16);
                _json.WriteStartObject();
                _json.WriteNumber("months", BinaryPrimitives.ReadInt32LittleEndian(slot));
                _json.WriteNumber("days", BinaryPrimitives.ReadInt32LittleEndian(slot[4..]));
                _json.WriteString("nanoseconds", BinaryPrimitives.ReadInt64LittleEndian(slot[8..]).ToString(CultureInfo.InvariantCulture));
                _json.WriteEndObject();
                break;
            }
        }
    }

    private void WriteBinaryLike(ArrayData data, long position, bool large, bool isString)
    {
        (long start, long end) = ReadRange(data, position, large);
        ReadOnlySpan<byte> bytes = Buffer(data, 2).Span;
        if (end > bytes.Length)
        {
            throw new ArrowFormatException($"Offsets [{start}, {end}) of a {Describe(data)} value exceed its {bytes.Length}-byte data buffer.");
        }

        WriteBytes(bytes[(int)start..(int)end], isString);
    }

    /// <summary>
    /// A binary or string view: 16 bytes, int32 length, then the value itself when it fits in 12 bytes, or
    /// a 4-byte prefix, the int32 index of a variadic data buffer (buffer 2 + index) and an int32 offset.
    /// </summary>
    private void WriteBinaryView(ArrayData data, long position, bool isString)
    {
        const int maxInline = 12;
        ReadOnlySpan<byte> view = Slot(data, 1, position, 16);
        int length = BinaryPrimitives.ReadInt32LittleEndian(view);
        if (length < 0)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array has a negative length {length}.");
        }

        if (length <= maxInline)
        {
            WriteBytes(view.Slice(4, length), isString);
            return;
        }

        int bufferIndex = BinaryPrimitives.ReadInt32LittleEndian(view[8..]);
        int offset = BinaryPrimitives.ReadInt32LittleEndian(view[12..]);
        if (bufferIndex < 0 || (long)bufferIndex + 2 >= data.Buffers.Length)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array refers to data buffer {bufferIndex}; the array has {Math.Max(0, data.Buffers.Length - 2)}.");
        }

        ReadOnlySpan<byte> bytes = data.Buffers[bufferIndex + 2].Span;
        if (offset < 0 || (long)offset + length > bytes.Length)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array, bytes [{offset}, {(long)offset + length}), exceeds its {bytes.Length}-byte data buffer {bufferIndex}.");
        }

        WriteBytes(bytes.Slice(offset, length), isString);
    }

    private void WriteBytes(ReadOnlySpan<byte> value, bool isString)
    {
        if (isString)
        {
            // Invalid UTF-8 decodes to U+FFFD per maximal subpart, as the WHATWG TextDecoder of the oracle does.
            _json.WriteStringValue(Encoding.UTF8.GetString(value));
        }
        else
        {
            WriteHex(value);
        }
    }

    private void WriteListLike(ArrayData data, long position, bool large, bool isMap)
    {
        (long start, long end) = ReadRange(data, position, large);
        ArrayData child = Child(data, 0);
        _json.WriteStartArray();
        for (long j = start; j < end; j++)
        {
            if (isMap)
            {
                WriteMapEntry(child, j);
            }
            else
            {
                WriteValue(child, j);
            }
        }

        _json.WriteEndArray();
    }

    /// <summary>A list view: element <paramref name="position"/> is <c>sizes[position]</c> child values from <c>offsets[position]</c>.</summary>
    private void WriteListView(ArrayData data, long position, bool large)
    {
        int width = large ? 8 : 4;
        ReadOnlySpan<byte> offsetSlot = Slot(data, 1, position, width);
        ReadOnlySpan<byte> sizeSlot = Slot(data, 2, position, width);
        long start = large ? BinaryPrimitives.ReadInt64LittleEndian(offsetSlot) : BinaryPrimitives.ReadInt32LittleEndian(offsetSlot);
        long size = large ? BinaryPrimitives.ReadInt64LittleEndian(sizeSlot) : BinaryPrimitives.ReadInt32LittleEndian(sizeSlot);
        ArrayData child = Child(data, 0);
        if (start < 0 || size < 0 || start > child.Length || size > child.Length - start)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array, offset {start} and size {size}, is outside its child of length {child.Length}.");
        }

        _json.WriteStartArray();
        for (long j = start; j < start + size; j++)
        {
            WriteValue(child, j);
        }

        _json.WriteEndArray();
    }

    private void WriteMapEntry(ArrayData entries, long index)
    {
        if ((ulong)index >= (ulong)entries.Length)
        {
            throw new ArrowFormatException($"Map entry {index} is outside the entries array of length {entries.Length}.");
        }

        long position = entries.Offset + index;
        if (IsNull(entries, position))
        {
            _json.WriteNullValue();
            return;
        }

        // Entries are a struct (key, value) whose children are addressed at the struct's offset + index.
        _json.WriteStartArray();
        WriteValue(Child(entries, 0), position);
        WriteValue(Child(entries, 1), position);
        _json.WriteEndArray();
    }

    private void WriteFixedSizeList(ArrayData data, FixedSizeListType type, long position)
    {
        ArrayData child = Child(data, 0);
        long start = position * type.ListSize;
        _json.WriteStartArray();
        for (long j = start; j < start + type.ListSize; j++)
        {
            WriteValue(child, j);
        }

        _json.WriteEndArray();
    }

    private void WriteStruct(ArrayData data, StructType type, long position)
    {
        if (!_uniqueNames.TryGetValue(type, out bool unique))
        {
            unique = type.Fields.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() == type.Fields.Count;
            _uniqueNames[type] = unique;
        }

        if (unique)
        {
            _json.WriteStartObject();
            for (int k = 0; k < type.Fields.Count; k++)
            {
                _json.WritePropertyName(type.Fields[k].Name);
                WriteValue(Child(data, k), position);
            }

            _json.WriteEndObject();
        }
        else
        {
            // Repeated child names cannot key an object: the value is positional.
            _json.WriteStartArray();
            for (int k = 0; k < type.Fields.Count; k++)
            {
                WriteValue(Child(data, k), position);
            }

            _json.WriteEndArray();
        }
    }

    private void WriteUnion(ArrayData data, UnionType type, long position)
    {
        // Apache.Arrow's layout is type ids, then (dense) offsets; a leading V4 validity buffer is skipped.
        bool dense = type.Mode == UnionMode.Dense;
        int typeIdsAt = data.Buffers is { } buffers && buffers.Length > (dense ? 2 : 1) ? 1 : 0;
        int typeId = (sbyte)Slot(data, typeIdsAt, position, 1)[0];
        int childIndex = Array.IndexOf(type.TypeIds, typeId);
        if (childIndex < 0)
        {
            throw new ArrowFormatException($"Union type id {typeId} is not one of the declared ids [{string.Join(", ", type.TypeIds)}].");
        }

        long childPosition = dense
            ? BinaryPrimitives.ReadInt32LittleEndian(Slot(data, typeIdsAt + 1, position, 4))
            : position;
        _json.WriteStartArray();
        _json.WriteNumberValue(typeId);
        WriteValue(Child(data, childIndex), childPosition);
        _json.WriteEndArray();
    }

    /// <summary>
    /// A run-end encoded value: the value of the first run whose end exceeds <paramref name="position"/>.
    /// Run ends index the logical positions, so the parent's offset is part of <paramref name="position"/>
    /// and the children are not sliced by it.
    /// </summary>
    private void WriteRunEndEncoded(ArrayData data, RunEndEncodedType type, long position)
    {
        ArrayData runEnds = Child(data, 0);
        ArrayData values = Child(data, 1);
        if (Storage(runEnds.DataType) is not (Int16Type or Int32Type or Int64Type))
        {
            throw new ArrowFormatException($"The run ends of a {ArrowTypeText.Of(type)} array are {Describe(runEnds)}, not int16, int32 or int64.");
        }

        var endType = (IntegerType)Storage(runEnds.DataType);
        long RunEnd(long run) => ReadInteger(runEnds, endType, runEnds.Offset + run);
        long low = 0;
        long high = runEnds.Length;
        while (low < high)
        {
            long middle = low + ((high - low) / 2);
            if (RunEnd(middle) > position)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        // The second test catches run ends that do not increase, which would make the search pick another run.
        if (low >= runEnds.Length || (low > 0 && RunEnd(low - 1) > position))
        {
            throw new ArrowFormatException($"Element {position} of a {ArrowTypeText.Of(type)} array is in no run (run ends must increase, the last one reaching the length).");
        }

        WriteValue(values, low);
    }

    private void WriteInt64String(long value) => _json.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));

    private void WriteHex(ReadOnlySpan<byte> bytes)
    {
        // Lowercase hex, built by hand: string.ToLowerInvariant would trip CA1308 and net8 lacks ToHexStringLower.
        char[] chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = HexDigits[bytes[i] >> 4];
            chars[(2 * i) + 1] = HexDigits[bytes[i] & 0xF];
        }

        _json.WriteStringValue(chars);
    }

    /// <summary>The start and end offsets of element <paramref name="position"/> of a variable-size array.</summary>
    private static (long Start, long End) ReadRange(ArrayData data, long position, bool large)
    {
        int width = large ? 8 : 4;
        ReadOnlySpan<byte> offsets = Buffer(data, 1).Span;
        if ((position + 2) * width > offsets.Length)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array needs offsets beyond its {offsets.Length}-byte offsets buffer.");
        }

        int at = (int)(position * width);
        long start = large ? BinaryPrimitives.ReadInt64LittleEndian(offsets[at..]) : BinaryPrimitives.ReadInt32LittleEndian(offsets[at..]);
        long end = large ? BinaryPrimitives.ReadInt64LittleEndian(offsets[(at + width)..]) : BinaryPrimitives.ReadInt32LittleEndian(offsets[(at + width)..]);
        if (start < 0 || end < start)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array has invalid offsets [{start}, {end}).");
        }

        return (start, end);
    }

    private static bool IsNull(ArrayData data, long position)
    {
        // A null count of 0 means no nulls whatever the bitmap holds, as the oracle reads it; -1 (not yet
        // counted, e.g. after a slice) means the bitmap decides.
        if (data.NullCount == 0 || data.Buffers is not { Length: > 0 } buffers || buffers[0].IsEmpty)
        {
            return false;
        }

        return !ReadBit(buffers[0], position);
    }

    private static bool ReadBit(ArrowBuffer bitmap, long position)
    {
        if ((position >> 3) >= bitmap.Length)
        {
            throw new ArrowFormatException($"Bit {position} is beyond a {bitmap.Length}-byte bitmap.");
        }

        return (bitmap.Span[(int)(position >> 3)] & (1 << (int)(position & 7))) != 0;
    }

    private static ArrowBuffer Buffer(ArrayData data, int index)
    {
        if (data.Buffers is null || index >= data.Buffers.Length)
        {
            throw new ArrowFormatException($"A {Describe(data)} array has {data.Buffers?.Length ?? 0} buffers; buffer {index} is missing.");
        }

        return data.Buffers[index];
    }

    private static ReadOnlySpan<byte> Slot(ArrayData data, int buffer, long position, int width)
    {
        ReadOnlySpan<byte> bytes = Buffer(data, buffer).Span;
        long start = position * width;
        if (start + width > bytes.Length)
        {
            throw new ArrowFormatException($"Element {position} of a {Describe(data)} array is beyond its {bytes.Length}-byte buffer {buffer}.");
        }

        return bytes.Slice((int)start, width);
    }

    private static ArrayData Child(ArrayData data, int index)
    {
        if (data.Children is null || index >= data.Children.Length || data.Children[index] is null)
        {
            throw new ArrowFormatException($"A {Describe(data)} array has {data.Children?.Length ?? 0} children; child {index} is missing.");
        }

        return data.Children[index];
    }

    private static string Describe(ArrayData data) => ArrowTypeText.Of(data.DataType);
}
