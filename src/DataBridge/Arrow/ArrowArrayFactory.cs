namespace DataBridge.Arrow;

/// <summary>Maps array data to its typed array class.</summary>
internal static class ArrowArrayFactory
{
    /// <summary>Wraps <paramref name="data"/> in the class for its type.</summary>
    /// <exception cref="ArgumentException">The data's buffers do not fit its type.</exception>
    public static ArrowArray Create(ArrayData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Type switch
        {
            NullType => new NullArray(data),
            BooleanType => new BooleanArray(data),
            IntType t => CreateInt(data, t),
            FloatingPointType t => t.Precision switch
            {
                FloatPrecision.Half => new HalfFloatArray(data),
                FloatPrecision.Single => new FloatArray(data),
                _ => new DoubleArray(data),
            },
            DateType t => t.Unit == DateUnit.Day ? new Date32Array(data) : new Date64Array(data),
            TimeType t => t.BitWidth == 32 ? new Time32Array(data) : new Time64Array(data),
            TimestampType => new TimestampArray(data),
            DurationType => new DurationArray(data),
            IntervalType t => t.Unit switch
            {
                IntervalUnit.YearMonth => new YearMonthIntervalArray(data),
                IntervalUnit.DayTime => new DayTimeIntervalArray(data),
                _ => new MonthDayNanoIntervalArray(data),
            },
            _ => CreateOther(data),
        };
    }

    private static ArrowArray CreateInt(ArrayData data, IntType type) => (type.BitWidth, type.IsSigned) switch
    {
        (8, true) => new Int8Array(data),
        (16, true) => new Int16Array(data),
        (32, true) => new Int32Array(data),
        (64, true) => new Int64Array(data),
        (8, false) => new UInt8Array(data),
        (16, false) => new UInt16Array(data),
        (32, false) => new UInt32Array(data),
        _ => new UInt64Array(data),
    };

    private static ArrowArray CreateOther(ArrayData data) => data.Type switch
    {
        DecimalType => new DecimalArray(data),
        FixedSizeBinaryType => new FixedSizeBinaryArray(data),
        BinaryType => new BinaryArray(data),
        Utf8Type => new StringArray(data),
        LargeBinaryType => new LargeBinaryArray(data),
        LargeUtf8Type => new LargeStringArray(data),
        ListType => new ListArray(data),
        LargeListType => new LargeListArray(data),
        FixedSizeListType => new FixedSizeListArray(data),
        MapType => new MapArray(data),
        StructType => new StructArray(data),
        UnionType { Mode: UnionMode.Sparse } => new SparseUnionArray(data),
        UnionType => new DenseUnionArray(data),
        DictionaryType => new DictionaryArray(data),
        _ => throw new NotSupportedException($"No array class for {data.Type}."),
    };
}
