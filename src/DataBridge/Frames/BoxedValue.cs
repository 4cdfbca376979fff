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
        IntType { IsSigned: true, BitWidth: 8 } => typeof(sbyte?),
        IntType { IsSigned: true, BitWidth: 16 } => typeof(short?),
        IntType { IsSigned: true, BitWidth: 32 } => typeof(int?),
        IntType { IsSigned: true } => typeof(long?),
        IntType { BitWidth: 8 } => typeof(byte?),
        IntType { BitWidth: 16 } => typeof(ushort?),
        IntType { BitWidth: 32 } => typeof(uint?),
        IntType => typeof(ulong?),
        FloatingPointType { Precision: FloatPrecision.Half } => typeof(Half?),
        FloatingPointType { Precision: FloatPrecision.Single } => typeof(float?),
        FloatingPointType => typeof(double?),
        DecimalType => typeof(decimal?),
        Utf8Type or LargeUtf8Type => typeof(string),
        BinaryType or LargeBinaryType => typeof(byte[]),
        FixedSizeBinaryType { ByteWidth: 16 } when field.ExtensionName == ClrTypeMapping.UuidExtension => typeof(Guid?),
        FixedSizeBinaryType => typeof(byte[]),
        TimestampType { Timezone: not null } => typeof(DateTimeOffset?),
        TimestampType => typeof(DateTime?),
        DateType => typeof(DateOnly?),
        TimeType => typeof(TimeOnly?),
        DurationType => typeof(TimeSpan?),
        StructType s when DateTimeOffsetLayout.Matches(s) => typeof(DateTimeOffset?),
        _ => typeof(object),
    };

    /// <summary>A boxed getter for a column of <paramref name="field"/>: <see cref="Get"/>, with UUIDs as <see cref="Guid"/>.</summary>
    public static Func<ArrowArray, int, object?> Getter(Field field) =>
        field.DataType is FixedSizeBinaryType { ByteWidth: 16 } && field.ExtensionName == ClrTypeMapping.UuidExtension
            ? (a, i) => a.IsNull(i) ? null : new Guid(((FixedSizeBinaryArray)a).GetBytes(i), bigEndian: true)
            : Get;

    /// <summary>Element <paramref name="index"/> boxed; null for a null element.</summary>
    public static object? Get(ArrowArray array, int index)
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
            case DecimalArray a: return Decimal(a, index);
            case StringArray a: return a.GetString(index);
            case LargeStringArray a: return a.GetString(index);
            case BinaryArray a: return a.GetBytes(index).ToArray();
            case LargeBinaryArray a: return a.GetBytes(index).ToArray();
            case FixedSizeBinaryArray a: return a.GetBytes(index).ToArray();
            case TimestampArray a:
                DateTime dt = ValueReader.ToDateTime(a.GetValue(index), a.TimestampType);
                return a.TimestampType.Timezone is null ? (object)dt : new DateTimeOffset(dt.Ticks, TimeSpan.Zero);
            case Date32Array a: return a.GetDateOnly(index);
            case Date64Array a: return a.GetDateOnly(index);
            case Time32Array a: return a.GetTimeOnly(index);
            case Time64Array a: return a.GetTimeOnly(index);
            case DurationArray a: return a.GetTimeSpan(index);
            case StructArray a when DateTimeOffsetLayout.Matches((StructType)a.Type):
                return DateTimeOffsetLayout.Reader((StructType)a.Type)(a, index);
            case StructArray a:
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int c = 0; c < a.Fields.Count; c++)
                {
                    values[a.Fields[c].Name] = Get(a.GetChild(c), index);
                }

                return values;
            case ListArray a: return Items(a.GetSlice(index));
            case LargeListArray a: return Items(a.GetSlice(index));
            case FixedSizeListArray a: return Items(a.GetSlice(index));
            case DictionaryArray a: return Get(a.Dictionary, a.GetDictionaryIndex(index));
            default: return array.Type.Name;
        }
    }

    /// <summary>A decimal as <see cref="decimal"/>, or as its exact text when System.Decimal cannot hold it.</summary>
    private static object Decimal(DecimalArray array, int index)
    {
        try
        {
            return DecimalConversion.ToDecimal(array, index);
        }
        catch (OverflowException)
        {
            return array.GetString(index)!;
        }
    }

    private static List<object?> Items(ArrowArray values)
    {
        var items = new List<object?>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            items.Add(Get(values, i));
        }

        return items;
    }
}
