using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of <see cref="DayTimeInterval"/> values (<c>interval[day_time]</c>).</summary>
public sealed class DayTimeIntervalArray : PrimitiveArray<DayTimeInterval>
{
    /// <summary>Wraps interval array data of this unit.</summary>
    /// <exception cref="ArgumentException">The data is not such an interval or its buffers are too small.</exception>
    public DayTimeIntervalArray(ArrayData data)
        : base(data, ArrowTypeId.Interval)
    {
    }

    /// <summary>Builds <see cref="DayTimeIntervalArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<DayTimeInterval, DayTimeIntervalArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntervalType.DayTime, d => new DayTimeIntervalArray(d), allocator)
        {
        }
    }
}
