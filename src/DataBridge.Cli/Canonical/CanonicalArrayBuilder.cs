using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace DataBridge.Cli.Canonical;

/// <summary>
/// Builds <see cref="ArrayData"/> from canonical JSON values: bitmaps, offsets and value buffers are
/// assembled directly. Dictionary-encoded fields are re-encoded: each dictionary id gets one dictionary
/// holding the distinct values met under that id anywhere in the document (so every batch shares it and a
/// writer emits it once), and indices of the declared index type.
/// </summary>
/// <remarks>
/// <para>A missing value (a <c>default</c> <see cref="JsonElement"/>) is treated as null: it fills the child
/// slots of a null struct, fixed-size list or sparse-union slot.</para>
/// <para>The layouts are Apache.Arrow's: null arrays and run-end encoded arrays have no buffers, unions no
/// validity buffer (type ids, then dense offsets), views a views buffer and at most one data buffer.
/// <c>dictionaryIds</c> gives the document's id of each dictionary-encoded field's
/// <see cref="DictionaryType"/> instance (see <see cref="CanonicalSchemaReader"/>): fields of one id get the
/// same dictionary <see cref="ArrayData"/> instance.</para>
/// </remarks>
internal sealed class CanonicalArrayBuilder(IReadOnlyDictionary<DictionaryType, long> dictionaryIds)
{
    private readonly Dictionary<long, DictionaryValues> _dictionaries = [];

    /// <summary>Registers the dictionary-encoded values of one column (pass 1, before any <see cref="Build(Field, IReadOnlyList{JsonElement}, string)"/>).</summary>
    public void CollectColumn(Field field, JsonElement column)
    {
        foreach (JsonElement value in column.EnumerateArray())
        {
            Collect(field, value);
        }
    }

    /// <summary>Builds the array of <paramref name="field"/> from its JSON values (pass 2).</summary>
    public ArrayData Build(Field field, IReadOnlyList<JsonElement> values, string path) => Build(field.DataType, values, path);

    private static bool IsNull(JsonElement value) => value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    private long IdOf(DictionaryType type) => dictionaryIds.TryGetValue(type, out long id) ? id : 0;

    private DictionaryValues Entry(DictionaryType type)
    {
        long id = IdOf(type);
        if (!_dictionaries.TryGetValue(id, out DictionaryValues? entry))
        {
            entry = new DictionaryValues(type.ValueType);
            _dictionaries.Add(id, entry);
        }
        else if (!ReferenceEquals(entry.ValueType, type.ValueType)
                 && !string.Equals(ArrowTypeText.Of(entry.ValueType), ArrowTypeText.Of(type.ValueType), StringComparison.Ordinal))
        {
            // Apache.Arrow's types have no value equality: their descriptions (children included) stand in for it.
            throw CanonicalJsonErrors.Invalid("$.schema", $"dictionary id {id} is used with two value types ({ArrowTypeText.Of(entry.ValueType)} and {ArrowTypeText.Of(type.ValueType)})");
        }

        return entry;
    }

    private void Collect(Field field, JsonElement value)
    {
        if (IsNull(value))
        {
            return;
        }

        if (field.DataType is DictionaryType dictionaryType)
        {
            DictionaryValues entry = Entry(dictionaryType);
            if (entry.Add(value))
            {
                CollectChildren(dictionaryType.ValueType, value);
            }

            return;
        }

        CollectChildren(field.DataType, value);
    }

    /// <summary>Walks into a nested value to find dictionary-encoded descendants; shape errors are left to <see cref="Build(Field, IReadOnlyList{JsonElement}, string)"/>.</summary>
    private void CollectChildren(IArrowType type, JsonElement value)
    {
        switch (type)
        {
            case ListType or LargeListType or FixedSizeListType or ListViewType or LargeListViewType when value.ValueKind == JsonValueKind.Array:
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Collect(((NestedType)type).Fields[0], item);
                }

                break;
            case MapType map when value.ValueKind == JsonValueKind.Array:
                foreach (JsonElement pair in value.EnumerateArray())
                {
                    if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2)
                    {
                        Collect(map.KeyField, pair[0]);
                        Collect(map.ValueField, pair[1]);
                    }
                }

                break;
            case StructType st:
                for (int k = 0; k < st.Fields.Count; k++)
                {
                    if (TryStructChild(st, value, k, out JsonElement child))
                    {
                        Collect(st.Fields[k], child);
                    }
                }

                break;
            case UnionType union when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
                                      && value[0].TryGetInt32(out int typeId) && ChildIndex(union, typeId) >= 0:
                Collect(union.Fields[ChildIndex(union, typeId)], value[1]);
                break;
            case RunEndEncodedType ree:
                // A run-end encoded value is written decoded: it is a value of the values field.
                Collect(ree.ValuesField, value);
                break;
            default:
                break;
        }
    }

    private static int ChildIndex(UnionType type, int typeId) => Array.IndexOf(type.TypeIds, typeId);

    private static bool TryStructChild(StructType type, JsonElement value, int index, out JsonElement child)
    {
        child = default;
        if (value.ValueKind == JsonValueKind.Object)
        {
            return value.TryGetProperty(type.Fields[index].Name, out child);
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == type.Fields.Count)
        {
            child = value[index];
            return true;
        }

        return false;
    }

    private ArrayData Build(IArrowType type, IReadOnlyList<JsonElement> values, string path)
    {
        int length = values.Count;
        switch (type)
        {
            case NullType:
                for (int i = 0; i < length; i++)
                {
                    if (!IsNull(values[i]))
                    {
                        throw CanonicalJsonErrors.Invalid($"{path}[{i}]", "a null-type value must be null");
                    }
                }

                // Apache.Arrow's null arrays have no buffers at all.
                return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>());
            case DictionaryType t:
                return BuildDictionaryIndices(t, values, path);
            case UnionType t:
                return BuildUnion(t, values, path);
            case RunEndEncodedType t:
                return BuildRunEndEncoded(t, values, path);
            default:
                break;
        }

        var validity = new BitmapBuilder();
        for (int i = 0; i < length; i++)
        {
            validity.Append(!IsNull(values[i]));
        }

        ArrowBuffer validityBuffer = validity.ToValidityBuffer();
        int nullCount = validity.UnsetCount;
        switch (type)
        {
            case BooleanType:
            {
                var bits = new BitmapBuilder();
                for (int i = 0; i < length; i++)
                {
                    JsonElement v = values[i];
                    bits.Append(!IsNull(v) && v.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw CanonicalJsonErrors.Invalid($"{path}[{i}]", "expected true or false"),
                    });
                }

                return new ArrayData(type, length, nullCount, 0, [validityBuffer, bits.ToArrowBuffer()]);
            }

            case Decimal32Type or Decimal64Type or Decimal128Type or Decimal256Type:
                // Before FixedSizeBinaryType, from which Apache.Arrow derives the decimals.
                return BuildFixedWidth(type, ((FixedSizeBinaryType)type).ByteWidth, values, validityBuffer, nullCount, path);
            case FixedSizeBinaryType t:
            {
                var data = new GrowableBuffer();
                for (int i = 0; i < length; i++)
                {
                    if (IsNull(values[i]))
                    {
                        data.AppendZeros(t.ByteWidth);
                        continue;
                    }

                    byte[] bytes = Hex(values[i], $"{path}[{i}]");
                    if (bytes.Length != t.ByteWidth)
                    {
                        throw CanonicalJsonErrors.Invalid($"{path}[{i}]", $"expected {t.ByteWidth} bytes, found {bytes.Length}");
                    }

                    data.AppendBytes(bytes);
                }

                return new ArrayData(type, length, nullCount, 0, [validityBuffer, data.ToArrowBuffer()]);
            }

            case StringType or BinaryType or LargeStringType or LargeBinaryType:
                return BuildBinaryLike(type, values, validityBuffer, nullCount, path);
            case StringViewType or BinaryViewType:
                return BuildBinaryView(type, values, validityBuffer, nullCount, path);
            case ListType or LargeListType or MapType:
                return BuildListLike(type, values, validityBuffer, nullCount, path);
            case ListViewType or LargeListViewType:
                return BuildListView(type, values, validityBuffer, nullCount, path);
            case FixedSizeListType t:
            {
                var items = new List<JsonElement>();
                for (int i = 0; i < length; i++)
                {
                    JsonElement v = values[i];
                    if (IsNull(v))
                    {
                        // A null list still occupies listSize child slots.
                        items.AddRange(Enumerable.Repeat(default(JsonElement), t.ListSize));
                        continue;
                    }

                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != t.ListSize)
                    {
                        throw CanonicalJsonErrors.Invalid($"{path}[{i}]", $"expected an array of {t.ListSize} values");
                    }

                    items.AddRange(v.EnumerateArray());
                }

                ArrayData child = Build(t.ValueField.DataType, items, $"{path}[*]");
                return new ArrayData(type, length, nullCount, 0, [validityBuffer], [child]);
            }

            case StructType t:
            {
                var columns = new List<JsonElement>[t.Fields.Count];
                for (int k = 0; k < columns.Length; k++)
                {
                    columns[k] = new List<JsonElement>(length);
                }

                for (int i = 0; i < length; i++)
                {
                    JsonElement v = values[i];
                    bool isNull = IsNull(v);
                    if (!isNull && v.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                    {
                        throw CanonicalJsonErrors.Invalid($"{path}[{i}]", "expected an object (or a positional array) for a struct");
                    }

                    for (int k = 0; k < columns.Length; k++)
                    {
                        JsonElement child = default;
                        if (!isNull && !TryStructChild(t, v, k, out child))
                        {
                            throw CanonicalJsonErrors.Invalid($"{path}[{i}]", $"the struct value has no member '{t.Fields[k].Name}'");
                        }

                        columns[k].Add(child);
                    }
                }

                ArrayData[] children = new ArrayData[columns.Length];
                for (int k = 0; k < columns.Length; k++)
                {
                    children[k] = Build(t.Fields[k].DataType, columns[k], $"{path}[*].{t.Fields[k].Name}");
                }

                return new ArrayData(type, length, nullCount, 0, [validityBuffer], children);
            }

            case FixedWidthType t:
                return BuildFixedWidth(type, t.BitWidth / 8, values, validityBuffer, nullCount, path);
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON values of type {ArrowTypeText.Of(type)} cannot be built ({path}).");
        }
    }

    private static ArrayData BuildFixedWidth(IArrowType type, int width, IReadOnlyList<JsonElement> values, ArrowBuffer validity, int nullCount, string path)
    {
        var data = new GrowableBuffer();
        for (int i = 0; i < values.Count; i++)
        {
            if (IsNull(values[i]))
            {
                data.AppendZeros(width);
            }
            else
            {
                AppendFixedWidth(data, type, values[i], $"{path}[{i}]");
            }
        }

        return new ArrayData(type, values.Count, nullCount, 0, [validity, data.ToArrowBuffer()]);
    }

    private static void AppendFixedWidth(GrowableBuffer data, IArrowType type, JsonElement value, string path)
    {
        switch (type)
        {
            case IntegerType t:
                AppendInteger(data, t, Integer(value, path, t.IsSigned ? MinOf(t.BitWidth) : 0, t.IsSigned ? MaxOf(t.BitWidth) : (BigInteger.One << t.BitWidth) - 1), path);
                break;
            case FloatingPointType t:
            {
                double d = Float(value, path);
                switch (t.Precision)
                {
                    case FloatingPointType.PrecisionKind.Half:
                        // double -> Half rounds to nearest even, as the oracle's canonicalisation does.
                        data.AppendInt16((short)BitConverter.HalfToUInt16Bits((Half)d));
                        break;
                    case FloatingPointType.PrecisionKind.Single:
                        data.AppendInt32(BitConverter.SingleToInt32Bits((float)d));
                        break;
                    default:
                        data.AppendInt64(BitConverter.DoubleToInt64Bits(d));
                        break;
                }

                break;
            }

            case FixedSizeBinaryType t when CanonicalNames.TryGetDecimal(type, out _, out _, out int bitWidth):
            {
                BigInteger unscaled = Integer(value, path, MinOf(bitWidth), MaxOf(bitWidth));
                Span<byte> bytes = stackalloc byte[t.ByteWidth];
                // Two's complement, little-endian, sign-extended to the full width.
                bytes.Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
                unscaled.TryWriteBytes(bytes, out _, isUnsigned: false, isBigEndian: false);
                data.AppendBytes(bytes);
                break;
            }

            case Date64Type or Time64Type or TimestampType or DurationType:
                data.AppendInt64((long)Integer(value, path, long.MinValue, long.MaxValue));
                break;
            case Date32Type or Time32Type:
                data.AppendInt32((int)Integer(value, path, int.MinValue, int.MaxValue));
                break;
            case IntervalType t when t.Unit == IntervalUnit.YearMonth:
                data.AppendInt32((int)Integer(value, path, int.MinValue, int.MaxValue));
                break;
            case IntervalType t when t.Unit == IntervalUnit.DayTime:
                data.AppendInt32((int)Integer(Member(value, "days", path), $"{path}.days", int.MinValue, int.MaxValue));
                data.AppendInt32((int)Integer(Member(value, "milliseconds", path), $"{path}.milliseconds", int.MinValue, int.MaxValue));
                break;
            case IntervalType:
                data.AppendInt32((int)Integer(Member(value, "months", path), $"{path}.months", int.MinValue, int.MaxValue));
                data.AppendInt32((int)Integer(Member(value, "days", path), $"{path}.days", int.MinValue, int.MaxValue));
                data.AppendInt64((long)Integer(Member(value, "nanoseconds", path), $"{path}.nanoseconds", long.MinValue, long.MaxValue));
                break;
            default:
                throw new UnsupportedArrowFeatureException(type.Name, $"Canonical JSON values of type {ArrowTypeText.Of(type)} cannot be built ({path}).");
        }
    }

    private static void AppendInteger(GrowableBuffer data, IntegerType type, BigInteger value, string path)
    {
        switch (type.BitWidth)
        {
            case 8:
                data.AppendByte(unchecked((byte)(long)value));
                break;
            case 16:
                data.AppendInt16(unchecked((short)(long)value));
                break;
            case 32:
                data.AppendInt32(unchecked((int)(long)value));
                break;
            case 64:
                data.AppendInt64(type.IsSigned ? (long)value : unchecked((long)(ulong)value));
                break;
            default:
                throw CanonicalJsonErrors.Invalid(path, $"unsupported integer width {type.BitWidth}");
        }
    }

    /// <summary>The bytes of a string (UTF-8) or binary (hex) value.</summary>
    private static byte[] BinaryValue(JsonElement value, bool isString, string path)
    {
        if (!isString)
        {
            return Hex(value, path);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw CanonicalJsonErrors.Invalid(path, "expected a string");
        }

        return Encoding.UTF8.GetBytes(value.GetString()!);
    }

    private static ArrayData BuildBinaryLike(IArrowType type, IReadOnlyList<JsonElement> values, ArrowBuffer validity, int nullCount, string path)
    {
        bool large = type is LargeStringType or LargeBinaryType;
        bool isString = type is StringType or LargeStringType;
        var offsets = new GrowableBuffer();
        var data = new GrowableBuffer();
        AppendOffset(offsets, 0, large);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement v = values[i];
            if (!IsNull(v))
            {
                data.AppendBytes(BinaryValue(v, isString, $"{path}[{i}]"));
            }

            AppendOffset(offsets, data.Length, large);
        }

        return new ArrayData(type, values.Count, nullCount, 0, [validity, offsets.ToArrowBuffer(), data.ToArrowBuffer()]);
    }

    /// <summary>
    /// Binary and string views: one 16-byte view per value (int32 length, then up to 12 inline bytes, or a
    /// 4-byte prefix, int32 buffer index and int32 offset), the longer values in one variadic data buffer.
    /// </summary>
    private static ArrayData BuildBinaryView(IArrowType type, IReadOnlyList<JsonElement> values, ArrowBuffer validity, int nullCount, string path)
    {
        const int maxInline = 12;
        bool isString = type is StringViewType;
        var views = new GrowableBuffer();
        var data = new GrowableBuffer();
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement v = values[i];
            if (IsNull(v))
            {
                views.AppendZeros(16);
                continue;
            }

            byte[] bytes = BinaryValue(v, isString, $"{path}[{i}]");
            views.AppendInt32(bytes.Length);
            if (bytes.Length <= maxInline)
            {
                views.AppendBytes(bytes);
                views.AppendZeros(maxInline - bytes.Length);
            }
            else
            {
                views.AppendBytes(bytes.AsSpan(0, 4));
                views.AppendInt32(0);
                views.AppendInt32(data.Length);
                data.AppendBytes(bytes);
            }
        }

        // No data buffer when every value is inline (variadic buffer count 0).
        ArrowBuffer[] buffers = data.Length == 0
            ? [validity, views.ToArrowBuffer()]
            : [validity, views.ToArrowBuffer(), data.ToArrowBuffer()];
        return new ArrayData(type, values.Count, nullCount, 0, buffers);
    }

    private ArrayData BuildListLike(IArrowType type, IReadOnlyList<JsonElement> values, ArrowBuffer validity, int nullCount, string path)
    {
        bool large = type is LargeListType;
        bool isMap = type is MapType;
        var offsets = new GrowableBuffer();
        var items = new List<JsonElement>();
        AppendOffset(offsets, 0, large);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement v = values[i];
            if (!IsNull(v))
            {
                AddItems(v, isMap, items, $"{path}[{i}]");
            }

            AppendOffset(offsets, items.Count, large);
        }

        ArrayData child = Build(((NestedType)type).Fields[0].DataType, items, $"{path}[*]");
        return new ArrayData(type, values.Count, nullCount, 0, [validity, offsets.ToArrowBuffer()], [child]);
    }

    /// <summary>List views: offsets and sizes (int32, or int64 for large), the items laid out in order.</summary>
    private ArrayData BuildListView(IArrowType type, IReadOnlyList<JsonElement> values, ArrowBuffer validity, int nullCount, string path)
    {
        bool large = type is LargeListViewType;
        var offsets = new GrowableBuffer();
        var sizes = new GrowableBuffer();
        var items = new List<JsonElement>();
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement v = values[i];
            int start = items.Count;
            if (!IsNull(v))
            {
                AddItems(v, isMap: false, items, $"{path}[{i}]");
            }

            AppendOffset(offsets, start, large);
            AppendOffset(sizes, items.Count - start, large);
        }

        ArrayData child = Build(((NestedType)type).Fields[0].DataType, items, $"{path}[*]");
        return new ArrayData(type, values.Count, nullCount, 0, [validity, offsets.ToArrowBuffer(), sizes.ToArrowBuffer()], [child]);
    }

    private static void AddItems(JsonElement list, bool isMap, List<JsonElement> items, string path)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw CanonicalJsonErrors.Invalid(path, "expected an array");
        }

        foreach (JsonElement item in list.EnumerateArray())
        {
            // A map entry is [key, value]: the positional form of the entries struct.
            if (isMap && (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2))
            {
                throw CanonicalJsonErrors.Invalid(path, "expected [key, value] pairs");
            }

            items.Add(item);
        }
    }

    private ArrayData BuildUnion(UnionType type, IReadOnlyList<JsonElement> values, string path)
    {
        int length = values.Count;
        bool dense = type.Mode == UnionMode.Dense;
        var typeIds = new GrowableBuffer();
        var offsets = new GrowableBuffer();
        var columns = new List<JsonElement>[type.Fields.Count];
        for (int k = 0; k < columns.Length; k++)
        {
            columns[k] = [];
        }

        for (int i = 0; i < length; i++)
        {
            JsonElement v = values[i];
            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2 || !v[0].TryGetInt32(out int typeId) || ChildIndex(type, typeId) < 0)
            {
                throw CanonicalJsonErrors.Invalid($"{path}[{i}]", $"expected [typeId, value] with a type id among [{string.Join(", ", type.TypeIds)}]");
            }

            int childIndex = ChildIndex(type, typeId);
            typeIds.AppendByte(unchecked((byte)(sbyte)typeId));
            if (dense)
            {
                offsets.AppendInt32(columns[childIndex].Count);
                columns[childIndex].Add(v[1]);
            }
            else
            {
                // Sparse: every child has one slot per union slot; the others hold nulls.
                for (int k = 0; k < columns.Length; k++)
                {
                    columns[k].Add(k == childIndex ? v[1] : default);
                }
            }
        }

        ArrayData[] children = new ArrayData[columns.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            children[k] = Build(type.Fields[k].DataType, columns[k], $"{path}[*]<{type.TypeIds[k]}>");
        }

        // Apache.Arrow's unions have no validity buffer: type ids, then (dense) offsets.
        ArrowBuffer[] buffers = dense
            ? [typeIds.ToArrowBuffer(), offsets.ToArrowBuffer()]
            : [typeIds.ToArrowBuffer()];
        return new ArrayData(type, length, 0, 0, buffers, children);
    }

    /// <summary>
    /// Run-end encoding of the decoded values: each run of equal consecutive values (nulls included) becomes
    /// one value and one run end. The array has no buffers, and children run_ends and values.
    /// </summary>
    private ArrayData BuildRunEndEncoded(RunEndEncodedType type, IReadOnlyList<JsonElement> values, string path)
    {
        var runEnds = new GrowableBuffer();
        var runValues = new List<JsonElement>();
        var endType = (IntegerType)type.RunEndsDataType;
        BigInteger maxEnd = MaxOf(endType.BitWidth);
        for (int i = 0; i < values.Count; i++)
        {
            bool continues = i > 0 && SameValue(values[i - 1], values[i]);
            if (!continues)
            {
                runValues.Add(values[i]);
            }

            if (i + 1 == values.Count || !SameValue(values[i], values[i + 1]))
            {
                if (i + 1 > maxEnd)
                {
                    throw CanonicalJsonErrors.Invalid($"{path}[{i}]", $"the run end {i + 1} does not fit the run ends' type {ArrowTypeText.Of(endType)}");
                }

                AppendInteger(runEnds, endType, i + 1, path);
            }
        }

        var endsData = new ArrayData(endType, runValues.Count, 0, 0, [ArrowBuffer.Empty, runEnds.ToArrowBuffer()]);
        ArrayData valuesData = Build(type.ValuesDataType, runValues, $"{path}<values>");
        return new ArrayData(type, values.Count, 0, 0, System.Array.Empty<ArrowBuffer>(), [endsData, valuesData]);
    }

    /// <summary>Whether two values are the same run: both null, or spelled alike.</summary>
    private static bool SameValue(JsonElement a, JsonElement b) =>
        IsNull(a) || IsNull(b) ? IsNull(a) && IsNull(b) : string.Equals(a.GetRawText(), b.GetRawText(), StringComparison.Ordinal);

    private ArrayData BuildDictionaryIndices(DictionaryType type, IReadOnlyList<JsonElement> values, string path)
    {
        // No value of this id collected (all null, or no batch) leaves it an empty dictionary.
        DictionaryValues entry = Entry(type);
        long id = IdOf(type);
        ArrayData dictionary = entry.Built ?? BuildDictionary(entry, id, path);
        var indexType = (IntegerType)type.IndexType;
        BigInteger maxIndex = indexType.IsSigned ? MaxOf(indexType.BitWidth) : (BigInteger.One << indexType.BitWidth) - 1;
        if (entry.Values.Count - 1 > maxIndex)
        {
            throw CanonicalJsonErrors.Invalid(path, $"dictionary {id} has {entry.Values.Count} distinct values, more than its index type {ArrowTypeText.Of(indexType)} can address");
        }

        var validity = new BitmapBuilder();
        var indices = new GrowableBuffer();
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement v = values[i];
            bool isNull = IsNull(v);
            validity.Append(!isNull);
            int index = isNull ? 0 : entry.IndexOf(v);
            AppendInteger(indices, indexType, index, path);
        }

        return new ArrayData(type, values.Count, validity.UnsetCount, 0, [validity.ToValidityBuffer(), indices.ToArrowBuffer()], null, dictionary);
    }

    private ArrayData BuildDictionary(DictionaryValues entry, long id, string path)
    {
        if (entry.Building)
        {
            throw CanonicalJsonErrors.Invalid(path, $"dictionary {id} contains itself");
        }

        entry.Building = true;
        entry.Built = Build(entry.ValueType, entry.Values, $"dictionary {id}");
        entry.Building = false;
        return entry.Built;
    }

    private static void AppendOffset(GrowableBuffer offsets, long value, bool large)
    {
        if (large)
        {
            offsets.AppendInt64(value);
        }
        else if (value > int.MaxValue)
        {
            throw CanonicalJsonErrors.Invalid("$", "the values of one column exceed 2 GiB; use a large type");
        }
        else
        {
            offsets.AppendInt32((int)value);
        }
    }

    private static BigInteger MinOf(int bits) => -(BigInteger.One << (bits - 1));

    private static BigInteger MaxOf(int bits) => (BigInteger.One << (bits - 1)) - 1;

    /// <summary>An integer given as a JSON number or a decimal string, checked against [min, max].</summary>
    private static BigInteger Integer(JsonElement value, string path, BigInteger min, BigInteger max)
    {
        BigInteger result;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long l))
        {
            result = l;
        }
        else if (value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                 && BigInteger.TryParse(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger parsed))
        {
            result = parsed;
        }
        else
        {
            throw CanonicalJsonErrors.Invalid(path, "expected an integer (number or decimal string)");
        }

        if (result < min || result > max)
        {
            throw CanonicalJsonErrors.Invalid(path, $"{result} is outside [{min}, {max}]");
        }

        return result;
    }

    private static double Float(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString() switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                "-0" => -0.0,
                _ => throw CanonicalJsonErrors.Invalid(path, "expected a number, NaN, Infinity, -Infinity or -0"),
            }
            : throw CanonicalJsonErrors.Invalid(path, "expected a number");
    }

    private static byte[] Hex(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw CanonicalJsonErrors.Invalid(path, "expected a hexadecimal string");
        }

        try
        {
            return Convert.FromHexString(value.GetString()!);
        }
        catch (FormatException e)
        {
            throw new JsonException($"Invalid canonical JSON at {path}: not a hexadecimal string ({e.Message}).", path, null, null, e);
        }
    }

    private static JsonElement Member(JsonElement value, string name, string path)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out JsonElement member))
        {
            throw CanonicalJsonErrors.Invalid(path, $"expected an object with a member '{name}'");
        }

        return member;
    }

    /// <summary>The distinct values of one dictionary id, in order of first appearance.</summary>
    private sealed class DictionaryValues(IArrowType valueType)
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public IArrowType ValueType { get; } = valueType;

        public List<JsonElement> Values { get; } = [];

        public ArrayData? Built { get; set; }

        public bool Building { get; set; }

        /// <summary>Adds <paramref name="value"/> unless an equal one is present; true when added.</summary>
        public bool Add(JsonElement value)
        {
            // The raw text identifies a value: equal values spelled differently merely become duplicate
            // dictionary entries, which Arrow allows.
            if (_index.TryAdd(value.GetRawText(), Values.Count))
            {
                Values.Add(value);
                return true;
            }

            return false;
        }

        public int IndexOf(JsonElement value) => _index.TryGetValue(value.GetRawText(), out int index)
            ? index
            : throw new InvalidOperationException("A dictionary value was not collected before building.");
    }
}
