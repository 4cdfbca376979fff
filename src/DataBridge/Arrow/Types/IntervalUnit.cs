namespace DataBridge.Arrow.Types;

/// <summary>Layout of interval values (Schema.fbs <c>IntervalUnit</c>).</summary>
public enum IntervalUnit
{
    /// <summary>Months as int32.</summary>
    YearMonth = 0,
    /// <summary>Days and milliseconds, two int32.</summary>
    DayTime = 1,
    /// <summary>Months and days (int32 each) and nanoseconds (int64).</summary>
    MonthDayNano = 2,
}
