using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of calendar intervals stored as int32 months (<c>interval[year_month]</c>).</summary>
public sealed class YearMonthIntervalArray : PrimitiveArray<int>
{
    /// <summary>Wraps year-month interval array data.</summary>
    /// <exception cref="ArgumentException">The data is not a year-month interval or its buffers are too small.</exception>
    public YearMonthIntervalArray(ArrayData data)
        : base(data, ArrowTypeId.Interval)
    {
    }

    /// <summary>Builds <see cref="YearMonthIntervalArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<int, YearMonthIntervalArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntervalType.YearMonth, d => new YearMonthIntervalArray(d), allocator)
        {
        }
    }
}
