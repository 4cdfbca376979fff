namespace DataBridge.Arrow;

/// <summary>Conversions between Arrow time units and .NET ticks (100 ns).</summary>
internal static class TemporalConversions
{
    /// <summary>Days from 0001-01-01 (DateOnly day number 0) to 1970-01-01.</summary>
    public const int UnixEpochDayNumber = 719_162;

    /// <summary>Ticks per unit; nanoseconds are finer than a tick, so they divide instead (see <see cref="ToTicks"/>).</summary>
    private static long TicksPer(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => TimeSpan.TicksPerSecond,
        TimeUnit.Millisecond => TimeSpan.TicksPerMillisecond,
        TimeUnit.Microsecond => 10,
        _ => 0,
    };

    /// <summary>Converts a count of <paramref name="unit"/> to ticks; nanoseconds are floored to whole ticks.</summary>
    /// <exception cref="OverflowException">The value does not fit in ticks.</exception>
    public static long ToTicks(long value, TimeUnit unit)
    {
        long per = TicksPer(unit);
        return per == 0 ? FloorDiv(value, 100) : checked(value * per);
    }

    /// <summary>Converts ticks to a count of <paramref name="unit"/>, flooring what the unit cannot hold.</summary>
    /// <exception cref="OverflowException">The value does not fit.</exception>
    public static long FromTicks(long ticks, TimeUnit unit)
    {
        long per = TicksPer(unit);
        return per == 0 ? checked(ticks * 100) : FloorDiv(ticks, per);
    }

    /// <summary>A date32 value (days since 1970-01-01) as a <see cref="DateOnly"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The day is outside years 1 to 9999.</exception>
    public static DateOnly FromDate32(int days) => DateOnly.FromDayNumber(checked(UnixEpochDayNumber + days));

    /// <summary>A date64 value (milliseconds since 1970-01-01) as an unspecified-kind <see cref="DateTime"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside <see cref="DateTime"/>'s range.</exception>
    public static DateTime FromDate64(long milliseconds) => DateTime.UnixEpoch.AddTicks(ToTicks(milliseconds, TimeUnit.Millisecond));

    /// <summary>A time32/time64/duration count of <paramref name="unit"/> as a <see cref="TimeSpan"/>.</summary>
    /// <exception cref="OverflowException">The value does not fit in a <see cref="TimeSpan"/>.</exception>
    public static TimeSpan ToTimeSpan(long value, TimeUnit unit) => new(ToTicks(value, unit));

    private static long FloorDiv(long a, long b)
    {
        long q = Math.DivRem(a, b, out long r);
        return r < 0 ? q - 1 : q;
    }
}
