using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of <see cref="MonthDayNanoInterval"/> values (<c>interval[month_day_nano]</c>).</summary>
public sealed class MonthDayNanoIntervalArray : PrimitiveArray<MonthDayNanoInterval>
{
    /// <summary>Wraps interval array data of this unit.</summary>
    /// <exception cref="ArgumentException">The data is not such an interval or its buffers are too small.</exception>
    public MonthDayNanoIntervalArray(ArrayData data)
        : base(data, ArrowTypeId.Interval)
    {
    }

    /// <summary>Builds <see cref="MonthDayNanoIntervalArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<MonthDayNanoInterval, MonthDayNanoIntervalArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntervalType.MonthDayNano, d => new MonthDayNanoIntervalArray(d), allocator)
        {
        }
    }
}
