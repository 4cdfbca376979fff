using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of times of day stored as long microseconds or nanoseconds since midnight (<c>time64</c>).</summary>
public sealed class Time64Array : PrimitiveArray<long>
{
    /// <summary>Wraps time64 array data.</summary>
    /// <exception cref="ArgumentException">The data is not time64 or its buffers are too small.</exception>
    public Time64Array(ArrayData data)
        : base(data, ArrowTypeId.Time)
    {
    }

    /// <summary>The unit of the stored values.</summary>
    public TimeUnit Unit => ((TimeType)Type).Unit;

    /// <summary>Element <paramref name="index"/> as time since midnight (nanoseconds floored to ticks), or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public TimeSpan? GetTimeSpan(int index)
    {
        long value = GetValue(index);
        return IsNull(index) ? null : new TimeSpan(TemporalConversions.ToTicks(value, Unit));
    }

    /// <summary>Element <paramref name="index"/> as a time of day, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array or the value is not within a day.</exception>
    public TimeOnly? GetTimeOnly(int index) => GetTimeSpan(index) is TimeSpan t ? TimeOnly.FromTimeSpan(t) : null;

    /// <summary>Builds <see cref="Time64Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<long, Time64Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="type">A time type of microseconds or nanoseconds.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        /// <exception cref="ArgumentException">The type's unit needs the other time array.</exception>
        public Builder(TimeType type, ArrowMemoryAllocator? allocator = null)
            : base(Check(type), d => new Time64Array(d), allocator)
        {
        }

        /// <summary>Appends a time of day, converted to the type's unit (floored).</summary>
        public PrimitiveArrayBuilder<long, Time64Array> Append(TimeOnly value) =>
            Append(checked((long)TemporalConversions.FromTicks(value.Ticks, ((TimeType)DataType).Unit)));

        private static TimeType Check(TimeType type)
        {
            ArgumentNullException.ThrowIfNull(type);
            return type.BitWidth == 64 ? type : throw new ArgumentException("time64 needs the unit Microsecond or Nanosecond.", nameof(type));
        }
    }
}
