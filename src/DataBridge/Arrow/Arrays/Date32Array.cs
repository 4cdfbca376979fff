using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of dates stored as int32 days since 1970-01-01 (<c>date32</c>).</summary>
public sealed class Date32Array : PrimitiveArray<int>
{
    /// <summary>Wraps date32 array data.</summary>
    /// <exception cref="ArgumentException">The data is not date32 or its buffers are too small.</exception>
    public Date32Array(ArrayData data)
        : base(data, ArrowTypeId.Date)
    {
    }

    /// <summary>Element <paramref name="index"/> as a date, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array or the date outside <see cref="DateOnly"/>'s range.</exception>
    public DateOnly? GetDateOnly(int index)
    {
        int days = GetValue(index);
        return IsNull(index) ? null : DateOnly.FromDayNumber(checked(TemporalConversions.UnixEpochDayNumber + days));
    }

    /// <summary>Builds <see cref="Date32Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<int, Date32Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(DateType.Date32, d => new Date32Array(d), allocator)
        {
        }

        /// <summary>Appends a date.</summary>
        public PrimitiveArrayBuilder<int, Date32Array> Append(DateOnly value) => Append(value.DayNumber - TemporalConversions.UnixEpochDayNumber);
    }
}
