using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of elapsed times stored as int64 counts of the type's unit.</summary>
public sealed class DurationArray : PrimitiveArray<long>
{
    /// <summary>Wraps duration array data.</summary>
    /// <exception cref="ArgumentException">The data is not a duration or its buffers are too small.</exception>
    public DurationArray(ArrayData data)
        : base(data, ArrowTypeId.Duration)
    {
    }

    /// <summary>The unit of the stored values.</summary>
    public TimeUnit Unit => ((DurationType)Type).Unit;

    /// <summary>Element <paramref name="index"/> as a time span (nanoseconds floored to ticks), or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    /// <exception cref="OverflowException">The value does not fit in a <see cref="TimeSpan"/>.</exception>
    public TimeSpan? GetTimeSpan(int index)
    {
        long value = GetValue(index);
        return IsNull(index) ? null : new TimeSpan(TemporalConversions.ToTicks(value, Unit));
    }

    /// <summary>Builds <see cref="DurationArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<long, DurationArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="type">The unit.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(DurationType type, ArrowMemoryAllocator? allocator = null)
            : base(type ?? throw new ArgumentNullException(nameof(type)), d => new DurationArray(d), allocator)
        {
        }

        /// <summary>Appends a time span, converted to the type's unit (floored).</summary>
        public PrimitiveArrayBuilder<long, DurationArray> Append(TimeSpan value) =>
            Append(TemporalConversions.FromTicks(value.Ticks, ((DurationType)DataType).Unit));
    }
}
