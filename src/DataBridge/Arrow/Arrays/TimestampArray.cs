using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of instants stored as int64 counts of the type's unit since the Unix epoch.</summary>
public sealed class TimestampArray : PrimitiveArray<long>
{
    /// <summary>Wraps timestamp array data.</summary>
    /// <exception cref="ArgumentException">The data is not a timestamp or its buffers are too small.</exception>
    public TimestampArray(ArrayData data)
        : base(data, ArrowTypeId.Timestamp)
    {
    }

    /// <summary>The type (unit and time zone).</summary>
    public TimestampType TimestampType => (TimestampType)Type;

    /// <summary>
    /// Element <paramref name="index"/> as an instant with offset zero (nanoseconds floored to ticks), or
    /// null. The type's time zone is display metadata: the stored count is always relative to UTC.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array or the value outside <see cref="DateTimeOffset"/>'s range.</exception>
    public DateTimeOffset? GetDateTimeOffset(int index)
    {
        long value = GetValue(index);
        if (IsNull(index))
        {
            return null;
        }

        long ticks;
        try
        {
            ticks = checked(DateTimeOffset.UnixEpoch.Ticks + TemporalConversions.ToTicks(value, TimestampType.Unit));
        }
        catch (OverflowException e)
        {
            throw new ArgumentOutOfRangeException($"Timestamp {value} is outside the range of DateTimeOffset.", e);
        }

        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>Builds <see cref="TimestampArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<long, TimestampArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="type">The unit and time zone.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(TimestampType type, ArrowMemoryAllocator? allocator = null)
            : base(type ?? throw new ArgumentNullException(nameof(type)), d => new TimestampArray(d), allocator)
        {
        }

        /// <summary>Appends an instant, converted to the type's unit (floored).</summary>
        public PrimitiveArrayBuilder<long, TimestampArray> Append(DateTimeOffset value) =>
            Append(TemporalConversions.FromTicks(value.UtcTicks - DateTimeOffset.UnixEpoch.Ticks, ((TimestampType)DataType).Unit));
    }
}
