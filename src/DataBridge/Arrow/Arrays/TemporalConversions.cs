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

    private static long FloorDiv(long a, long b)
    {
        long q = Math.DivRem(a, b, out long r);
        return r < 0 ? q - 1 : q;
    }
}
