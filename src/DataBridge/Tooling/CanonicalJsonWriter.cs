using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace DataBridge.Tooling;

/// <summary>
/// Writes a schema and record batches as canonical JSON (the format of
/// <c>shared/arrow-interop/README.md</c>; see <see cref="CanonicalJson"/> for the value rules).
/// </summary>
/// <remarks>
/// The array data may come from an untrusted stream, so every buffer access is bounds-checked and a
/// violation raises <see cref="ArrowFormatException"/> rather than an index exception: the codec validates
/// the layout, and this writer does not rely on that for memory safety.
/// </remarks>
internal sealed class CanonicalJsonWriter
{
    private const string HexDigits = "0123456789abcdef";

    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<StructType, bool> _uniqueNames = new(ReferenceEqualityComparer.Instance);
    private long _nextDictionaryId;

    public CanonicalJsonWriter(Utf8JsonWriter json) => _json = json;

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
        // Fields built without a dictionary id get fresh ids above every explicit one, so they never alias.
        _nextDictionaryId = MaxDictionaryId(schema.Fields) + 1;
        _json.WriteStartObject();
        // Big-endian bodies are refused by the codec, so every schema that reaches here is little-endian.
        _json.WriteString("endianness", "Little");
        _json.WriteStartArray("fields");
        foreach (Field field in schema.Fields)
        {
            WriteField(field);
        }

        _json.WriteEndArray();
        WriteMetadata(schema.Metadata);
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

    private static long MaxDictionaryId(IEnumerable<Field> fields)
    {
        long max = -1;
        foreach (Field field in fields)
        {
            ArrowType type = field.DataType;
            if (type is DictionaryType d)
            {
                max = Math.Max(max, d.Id ?? -1);
                type = d.ValueType;
            }

            max = Math.Max(max, MaxDictionaryId(type.Children));
        }

        return max;
    }

    private void WriteField(Field field)
    {
        ArrowType type = field.DataType;
        DictionaryType? dictionary = type as DictionaryType;
        if (dictionary is not null)
        {
            // Canonical JSON, like Schema.fbs, gives a dictionary-encoded field its value type.
            type = dictionary.ValueType;
        }

        _json.WriteStartObject();
        _json.WriteString("name", field.Name);
        _json.WriteBoolean("nullable", field.IsNullable);
        _json.WritePropertyName("type");
        WriteType(type);
        _json.WriteStartArray("children");
        foreach (Field child in type.Children)
        {
            WriteField(child);
        }

        _json.WriteEndArray();
        if (dictionary is not null)
        {
            _json.WriteStartObject("dictionary");
            _json.WriteNumber("id", dictionary.Id ?? _nextDictionaryId++);
            _json.WritePropertyName("indexType");
            WriteType(dictionary.IndexType);
            _json.WriteBoolean("isOrdered", dictionary.IsOrdered);
            _json.WriteEndObject();
        }

        WriteMetadata(field.Metadata);
        _json.WriteEndObject();
    }

    private void WriteMetadata(IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        // Sorted by key, then value, in UTF-16 code unit order (JavaScript's string order): writers do
        // not agree on the order of KeyValue pairs.
        KeyValuePair<string, string>[] pairs = [.. metadata];
        Array.Sort(pairs, static (a, b) =>
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

    private void WriteType(ArrowType type)
    {
        _json.WriteStartObject();
        switch (type)
        {
            case NullType:
                _json.WriteString("name", "null");
                break;
            case BooleanType:
                _json.WriteString("name", "bool");
                break;
            case IntType t:
                _json.WriteString("name", "int");
                _json.WriteNumber("bitWidth", t.BitWidth);
                _json.WriteBoolean("isSigned", t.IsSigned);
                break;
            case FloatingPointType t:
                _json.WriteString("name", "floatingpoint");
                _json.WriteString("precision", CanonicalNames.Precision(t.Precision));
                break;
            case Utf8Type:
                _json.WriteString("name", "utf8");
                break;
            case LargeUtf8Type:
                _json.WriteString("name", "largeutf8");
                break;
            case BinaryType:
                _json.WriteString("name", "binary");
                break;
            case LargeBinaryType:
                _json.WriteString("name", "largebinary");
                break;
            case FixedSizeBinaryType t:
                _json.WriteString("name", "fixedsizebinary");
                _json.WriteNumber("byteWidth", t.ByteWidth);
                break;
            case DecimalType t:
                _json.WriteString("name", "decimal");
                _json.WriteNumber("precision", t.Precision);
                _json.WriteNumber("scale", t.Scale);
                _json.WriteNumber("bitWidth", t.BitWidth);
                break;
            case DateType t:
                _json.WriteString("name", "date");
                _json.WriteString("unit", t.Unit == DateUnit.Day ? "DAY" : "MILLISECOND");
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
            case FixedSizeListType t:
                _json.WriteString("name", "fixedsizelist");
                _json.WriteNumber("listSize", t.ListSize);
                break;
            case StructType:
                _json.WriteString("name", "struct");
                break;
            case MapType t:
                _json.WriteString("name", "map");
                _json.WriteBoolean("keysSorted", t.KeysSorted);
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
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON has no representation for the type {type.Name}.");
        }

        _json.WriteEndObject();
    }

    /// <summary>Writes element <paramref name="index"/> (logical, i.e. before <see cref="ArrayData.Offset"/>) of <paramref name="data"/>.</summary>
    private void WriteValue(ArrayData data, long index)
    {
        if ((ulong)index >= (ulong)data.Length)
        {
            throw new ArrowFormatException($"Element {index} is outside a {data.Type} array of length {data.Length}.");
        }

        ArrowType type = data.Type;
        if (type.TypeId == ArrowTypeId.Null)
        {
            _json.WriteNullValue();
            return;
        }

        long position = data.Offset + index;
        // Unions have no validity bitmap of their own (their nulls live in the children).
        if (type.TypeId != ArrowTypeId.Union && IsNull(data, position))
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
            case IntType t:
                WriteInteger(data, t, position);
                break;
            case FloatingPointType t:
                WriteFloat(t.Precision switch
                {
                    FloatPrecision.Half => (double)BitConverter.UInt16BitsToHalf((ushort)BinaryPrimitives.ReadInt16LittleEndian(Slot(data, 1, position, 2))),
                    FloatPrecision.Single => BinaryPrimitives.ReadSingleLittleEndian(Slot(data, 1, position, 4)),
                    _ => BinaryPrimitives.ReadDoubleLittleEndian(Slot(data, 1, position, 8)),
                });
                break;
            case DecimalType t:
                _json.WriteStringValue(new BigInteger(Slot(data, 1, position, t.ByteWidth), isUnsigned: false, isBigEndian: false).ToString(CultureInfo.InvariantCulture));
                break;
            case DateType t when t.Unit == DateUnit.Day:
                _json.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(Slot(data, 1, position, 4)));
                break;
            case TimeType t when t.BitWidth == 32:
                _json.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(Slot(data, 1, position, 4)));
                break;
            case DateType or TimeType or TimestampType or DurationType:
                WriteInt64String(BinaryPrimitives.ReadInt64LittleEndian(Slot(data, 1, position, 8)));
                break;
            case IntervalType t:
                WriteInterval(data, t, position);
                break;
            case FixedSizeBinaryType t:
                WriteHex(Slot(data, 1, position, t.ByteWidth));
                break;
            case Utf8Type or BinaryType:
                WriteBinaryLike(data, position, large: false, isString: type is Utf8Type);
                break;
            case LargeUtf8Type or LargeBinaryType:
                WriteBinaryLike(data, position, large: true, isString: type is LargeUtf8Type);
                break;
            case ListType or MapType:
                WriteListLike(data, position, large: false, isMap: type is MapType);
                break;
            case LargeListType:
                WriteListLike(data, position, large: true, isMap: false);
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
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON has no representation for values of type {type.Name}.");
        }
    }

    private void WriteDictionaryValue(ArrayData data, DictionaryType type, long position)
    {
        ArrayData dictionary = data.Dictionary
            ?? throw new ArrowFormatException($"A dictionary-encoded array ({type}) has no dictionary.");
        long index = ReadInteger(data, type.IndexType, position);
        if ((ulong)index >= (ulong)dictionary.Length)
        {
            throw new ArrowFormatException($"Dictionary index {index} is outside the dictionary of length {dictionary.Length} (id {type.Id}).");
        }

        WriteValue(dictionary, index);
    }

    private void WriteInteger(ArrayData data, IntType type, long position)
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
    private static long ReadInteger(ArrayData data, IntType type, long position)
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
            throw new ArrowFormatException($"Offsets [{start}, {end}) of a {data.Type} value exceed its {bytes.Length}-byte data buffer.");
        }

        ReadOnlySpan<byte> value = bytes[(int)start..(int)end];
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
        int typeId = (sbyte)Slot(data, 1, position, 1)[0];
        int childIndex = type.ChildIndex(typeId);
        if (childIndex < 0)
        {
            throw new ArrowFormatException($"Union type id {typeId} is not one of the declared ids [{string.Join(", ", type.TypeIds)}].");
        }

        long childPosition = type.Mode == UnionMode.Dense
            ? BinaryPrimitives.ReadInt32LittleEndian(Slot(data, 2, position, 4))
            : position;
        _json.WriteStartArray();
        _json.WriteNumberValue(typeId);
        WriteValue(Child(data, childIndex), childPosition);
        _json.WriteEndArray();
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
            throw new ArrowFormatException($"Element {position} of a {data.Type} array needs offsets beyond its {offsets.Length}-byte offsets buffer.");
        }

        int at = (int)(position * width);
        long start = large ? BinaryPrimitives.ReadInt64LittleEndian(offsets[at..]) : BinaryPrimitives.ReadInt32LittleEndian(offsets[at..]);
        long end = large ? BinaryPrimitives.ReadInt64LittleEndian(offsets[(at + width)..]) : BinaryPrimitives.ReadInt32LittleEndian(offsets[(at + width)..]);
        if (start < 0 || end < start)
        {
            throw new ArrowFormatException($"Element {position} of a {data.Type} array has invalid offsets [{start}, {end}).");
        }

        return (start, end);
    }

    private static bool IsNull(ArrayData data, long position)
    {
        ArrowBuffer validity = data.Validity;
        if (validity.IsEmpty)
        {
            return false;
        }

        return !ReadBit(validity, position);
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
        if (index >= data.Buffers.Length)
        {
            throw new ArrowFormatException($"A {data.Type} array has {data.Buffers.Length} buffers; buffer {index} is missing.");
        }

        return data.Buffers[index];
    }

    private static ReadOnlySpan<byte> Slot(ArrayData data, int buffer, long position, int width)
    {
        ReadOnlySpan<byte> bytes = Buffer(data, buffer).Span;
        long start = position * width;
        if (start + width > bytes.Length)
        {
            throw new ArrowFormatException($"Element {position} of a {data.Type} array is beyond its {bytes.Length}-byte buffer {buffer}.");
        }

        return bytes.Slice((int)start, width);
    }

    private static ArrayData Child(ArrayData data, int index)
    {
        if (index >= data.Children.Length)
        {
            throw new ArrowFormatException($"A {data.Type} array has {data.Children.Length} children; child {index} is missing.");
        }

        return data.Children[index];
    }
}
