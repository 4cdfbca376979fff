using Apache.Arrow.Arrays;

namespace DataBridge.Frames;

/// <summary>
/// Element values as boxed objects, for inspection (rows, <see cref="ArrowFrame.ToString()"/>, untyped
/// columns): every Arrow type has a readable .NET value here, nested ones as lists and dictionaries.
/// Hot paths use <see cref="ValueReader"/>'s typed getters instead.
/// </summary>
internal static class BoxedValue
{
    /// <summary>The .NET type <see cref="ArrowFrame.this[string]"/> uses for a column of <paramref name="field"/>'s type.</summary>
    public static Type NaturalType(Field field) => field.DataType switch
    {
        BooleanType => typeof(bool?),
        Int8Type => typeof(sbyte?),
        Int16Type => typeof(short?),
        Int32Type => typeof(int?),
        Int64Type => typeof(long?),
        UInt8Type => typeof(byte?),
        UInt16Type => typeof(ushort?),
        UInt32Type => typeof(uint?),
        UInt64Type => typeof(ulong?),
        HalfFloatType => typeof(Half?),
        FloatType => typeof(float?),
        DoubleType => typeof(double?),
        Decimal32Type or Decimal64Type or Decimal128Type or Decimal256Type => typeof(decimal?),
        StringType or LargeStringType or StringViewType => typeof(string),
        BinaryType or LargeBinaryType => typeof(byte[]),
        FixedSizeBinaryType { ByteWidth: 16 } when ClrTypeMapping.ExtensionName(field) == ClrTypeMapping.UuidExtension => typeof(Guid?),
        FixedSizeBinaryType => typeof(byte[]),
        TimestampType t when ValueReader.IsZoned(t) => typeof(DateTimeOffset?),
        TimestampType => typeof(DateTime?),
        DateType => typeof(DateOnly?),
        TimeType => typeof(TimeOnly?),
        DurationType => typeof(TimeSpan?),
        StructType s when DateTimeOffsetLayout.Matches(s) => typeof(DateTimeOffset?),
        _ => typeof(object),
    };

    /// <summary>A boxed getter for a column of <paramref name="field"/>: <see cref="Get"/>, with UUIDs as <see cref="Guid"/>.</summary>
    public static Func<IArrowArray, int, object?> Getter(Field field) =>
        field.DataType is FixedSizeBinaryType { ByteWidth: 16 } && !DecimalConversion.IsDecimal(field.DataType) &&
        ClrTypeMapping.ExtensionName(field) == ClrTypeMapping.UuidExtension
            ? (a, i) => a.IsNull(i) ? null : new Guid(((FixedSizeBinaryArray)a).GetBytes(i), bigEndian: true)
            : Get;

    /// <summary>Element <paramref name="index"/> boxed; null for a null element.</summary>
    public static object? Get(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return null;
        }

        switch (array)
        {
            case BooleanArray a: return a.GetValue(index);
            case Int8Array a: return a.GetValue(index);
            case Int16Array a: return a.GetValue(index);
            case Int32Array a: return a.GetValue(index);
            case Int64Array a: return a.GetValue(index);
            case UInt8Array a: return a.GetValue(index);
            case UInt16Array a: return a.GetValue(index);
            case UInt32Array a: return a.GetValue(index);
            case UInt64Array a: return a.GetValue(index);
            case HalfFloatArray a: return a.GetValue(index);
            case FloatArray a: return a.GetValue(index);
            case DoubleArray a: return a.GetValue(index);
            case FixedSizeBinaryArray a when DecimalConversion.IsDecimal(a.Data.DataType): return Decimal(a, index);
            case StringArray a: return a.GetString(index);
            case LargeStringArray a: return a.GetString(index);
            case StringViewArray a: return a.GetString(index);
            case BinaryArray a: return a.GetBytes(index).ToArray();
            case LargeBinaryArray a: return a.GetBytes(index).ToArray();
            case BinaryViewArray a: return a.GetBytes(index).ToArray();
            case FixedSizeBinaryArray a: return a.GetBytes(index).ToArray();
            case TimestampArray a:
                var type = (TimestampType)a.Data.DataType;
                DateTime dt = ValueReader.ToDateTime(a.Values[index], type);
                // Boxed apart: a conditional of DateTimeOffset and DateTime would convert dt to a local-time DateTimeOffset.
                return ValueReader.IsZoned(type) ? new DateTimeOffset(dt.Ticks, TimeSpan.Zero) : (object)dt;
            case Date32Array a: return TemporalConversions.FromDate32(a.Values[index]);
            case Date64Array a: return DateOnly.FromDateTime(TemporalConversions.FromDate64(a.Values[index]));
            case Time32Array a: return TimeOnly.FromTimeSpan(TemporalConversions.ToTimeSpan(a.Values[index], ((TimeType)a.Data.DataType).Unit));
            case Time64Array a: return TimeOnly.FromTimeSpan(TemporalConversions.ToTimeSpan(a.Values[index], ((TimeType)a.Data.DataType).Unit));
            case DurationArray a: return TemporalConversions.ToTimeSpan(a.Values[index], a.DataType.Unit);
            case StructArray a when DateTimeOffsetLayout.Matches((StructType)a.Data.DataType):
                return DateTimeOffsetLayout.Reader((StructType)a.Data.DataType)(a, index);
            case StructArray a:
                var structType = (StructType)a.Data.DataType;
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int c = 0; c < structType.Fields.Count; c++)
                {
                    values[structType.Fields[c].Name] = Get(a.Fields[c], index);
                }

                return values;
            case ListArray a: return Items(a.GetSlicedValues(index)); // and MapArray: a list of {key, value}
            case LargeListArray a: return Items(a.GetSlicedValues(index));
            case FixedSizeListArray a: return Items(a.GetSlicedValues(index));
            case DictionaryArray a: return Get(a.Dictionary, checked((int)IndexAt(a.Indices, index)));
            default: return ArrowTypeText.Of(array.Data.DataType);
        }
    }

    /// <summary>Element <paramref name="index"/> (not null) of an integer array, widened.</summary>
    /// <exception cref="InvalidCastException">The array is not of an integer type.</exception>
    public static long IndexAt(IArrowArray indices, int index) => indices switch
    {
        Int8Array a => a.Values[index],
        Int16Array a => a.Values[index],
        Int32Array a => a.Values[index],
        Int64Array a => a.Values[index],
        UInt8Array a => a.Values[index],
        UInt16Array a => a.Values[index],
        UInt32Array a => a.Values[index],
        UInt64Array a => checked((long)a.Values[index]),
        _ => throw new InvalidCastException($"Dictionary indices of {ArrowTypeText.Of(indices.Data.DataType)}."),
    };

    /// <summary>A decimal as <see cref="decimal"/>, or as its exact text when System.Decimal cannot hold it.</summary>
    private static object Decimal(FixedSizeBinaryArray array, int index)
    {
        try
        {
            return DecimalConversion.ToDecimal(array, index);
        }
        catch (OverflowException)
        {
            return DecimalConversion.ToText(array, index);
        }
    }

    private static List<object?> Items(IArrowArray values)
    {
        var items = new List<object?>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            items.Add(Get(values, i));
        }

        return items;
    }
}
