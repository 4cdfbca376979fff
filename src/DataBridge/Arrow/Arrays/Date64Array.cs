using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of dates stored as int64 milliseconds since 1970-01-01 (<c>date64</c>).</summary>
public sealed class Date64Array : PrimitiveArray<long>
{
    /// <summary>Wraps date64 array data.</summary>
    /// <exception cref="ArgumentException">The data is not date64 or its buffers are too small.</exception>
    public Date64Array(ArrayData data)
        : base(data, ArrowTypeId.Date)
    {
    }

    /// <summary>Element <paramref name="index"/> as a UTC date and time, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array or the value outside <see cref="DateTime"/>'s range.</exception>
    public DateTime? GetDateTime(int index)
    {
        long ms = GetValue(index);
        return IsNull(index) ? null : DateTime.UnixEpoch.AddTicks(TemporalConversions.ToTicks(ms, TimeUnit.Millisecond));
    }

    /// <summary>Element <paramref name="index"/> as a date (the time of day, normally zero, is dropped), or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array or the value outside <see cref="DateTime"/>'s range.</exception>
    public DateOnly? GetDateOnly(int index) => GetDateTime(index) is DateTime dt ? DateOnly.FromDateTime(dt) : null;

    /// <summary>Builds <see cref="Date64Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<long, Date64Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(DateType.Date64, d => new Date64Array(d), allocator)
        {
        }

        /// <summary>Appends a date (midnight UTC).</summary>
        public PrimitiveArrayBuilder<long, Date64Array> Append(DateOnly value) =>
            Append((value.DayNumber - (long)TemporalConversions.UnixEpochDayNumber) * 86_400_000L);
    }
}
