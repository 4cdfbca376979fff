using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of times of day stored as int seconds or milliseconds since midnight (<c>time32</c>).</summary>
public sealed class Time32Array : PrimitiveArray<int>
{
    /// <summary>Wraps time32 array data.</summary>
    /// <exception cref="ArgumentException">The data is not time32 or its buffers are too small.</exception>
    public Time32Array(ArrayData data)
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

    /// <summary>Builds <see cref="Time32Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<int, Time32Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="type">A time type of seconds or milliseconds.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        /// <exception cref="ArgumentException">The type's unit needs the other time array.</exception>
        public Builder(TimeType type, ArrowMemoryAllocator? allocator = null)
            : base(Check(type), d => new Time32Array(d), allocator)
        {
        }

        /// <summary>Appends a time of day, converted to the type's unit (floored).</summary>
        public PrimitiveArrayBuilder<int, Time32Array> Append(TimeOnly value) =>
            Append(checked((int)TemporalConversions.FromTicks(value.Ticks, ((TimeType)DataType).Unit)));

        private static TimeType Check(TimeType type)
        {
            ArgumentNullException.ThrowIfNull(type);
            return type.BitWidth == 32 ? type : throw new ArgumentException("time32 needs the unit Second or Millisecond.", nameof(type));
        }
    }
}
