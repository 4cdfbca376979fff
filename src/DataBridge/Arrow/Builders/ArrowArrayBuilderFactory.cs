using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>Creates the builder for any Arrow type (used for the children of nested builders).</summary>
public static class ArrowArrayBuilderFactory
{
    /// <summary>Creates an empty builder of arrays of <paramref name="type"/>.</summary>
    /// <param name="type">The type to build.</param>
    /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
    /// <exception cref="NotSupportedException">The type has no builder.</exception>
    public static IArrowArrayBuilder Create(ArrowType type, ArrowMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type switch
        {
            NullType => new NullArray.Builder(),
            BooleanType => new BooleanArray.Builder(allocator),
            IntType t => CreateInt(t, allocator),
            FloatingPointType t => t.Precision switch
            {
                FloatPrecision.Half => new HalfFloatArray.Builder(allocator),
                FloatPrecision.Single => new FloatArray.Builder(allocator),
                _ => new DoubleArray.Builder(allocator),
            },
            DateType t => t.Unit == DateUnit.Day ? new Date32Array.Builder(allocator) : new Date64Array.Builder(allocator),
            TimeType t => t.BitWidth == 32 ? new Time32Array.Builder(t, allocator) : new Time64Array.Builder(t, allocator),
            TimestampType t => new TimestampArray.Builder(t, allocator),
            DurationType t => new DurationArray.Builder(t, allocator),
            IntervalType t => t.Unit switch
            {
                IntervalUnit.YearMonth => new YearMonthIntervalArray.Builder(allocator),
                IntervalUnit.DayTime => new DayTimeIntervalArray.Builder(allocator),
                _ => new MonthDayNanoIntervalArray.Builder(allocator),
            },
            DecimalType t => new DecimalArray.Builder(t, allocator),
            FixedSizeBinaryType t => new FixedSizeBinaryArray.Builder(t, allocator),
            BinaryType => new BinaryArray.Builder(allocator),
            Utf8Type => new StringArray.Builder(allocator),
            LargeBinaryType => new LargeBinaryArray.Builder(allocator),
            LargeUtf8Type => new LargeStringArray.Builder(allocator),
            ListType t => new ListArray.Builder(t, allocator),
            LargeListType t => new LargeListArray.Builder(t, allocator),
            FixedSizeListType t => new FixedSizeListArray.Builder(t, allocator),
            MapType t => new MapArray.Builder(t, allocator),
            StructType t => new StructArray.Builder(t, allocator),
            UnionType { Mode: UnionMode.Sparse } t => new SparseUnionArray.Builder(t, allocator),
            UnionType t => new DenseUnionArray.Builder(t, allocator),
            DictionaryType t => new DictionaryArray.Builder(t, allocator),
            _ => throw new NotSupportedException($"No builder for {type}."),
        };
    }

    private static IArrowArrayBuilder CreateInt(IntType type, ArrowMemoryAllocator? allocator) => (type.BitWidth, type.IsSigned) switch
    {
        (8, true) => new Int8Array.Builder(allocator),
        (16, true) => new Int16Array.Builder(allocator),
        (32, true) => new Int32Array.Builder(allocator),
        (64, true) => new Int64Array.Builder(allocator),
        (8, false) => new UInt8Array.Builder(allocator),
        (16, false) => new UInt16Array.Builder(allocator),
        (32, false) => new UInt32Array.Builder(allocator),
        _ => new UInt64Array.Builder(allocator),
    };
}
