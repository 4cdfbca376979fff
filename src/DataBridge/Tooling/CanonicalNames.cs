namespace DataBridge.Tooling;

/// <summary>The enum spellings of canonical (and Arrow integration) JSON.</summary>
internal static class CanonicalNames
{
    public static string Precision(FloatPrecision precision) => precision switch
    {
        FloatPrecision.Half => "HALF",
        FloatPrecision.Single => "SINGLE",
        _ => "DOUBLE",
    };

    public static string TimeUnit(Arrow.Types.TimeUnit unit) => unit switch
    {
        Arrow.Types.TimeUnit.Second => "SECOND",
        Arrow.Types.TimeUnit.Millisecond => "MILLISECOND",
        Arrow.Types.TimeUnit.Microsecond => "MICROSECOND",
        _ => "NANOSECOND",
    };

    public static string IntervalUnit(Arrow.Types.IntervalUnit unit) => unit switch
    {
        Arrow.Types.IntervalUnit.YearMonth => "YEAR_MONTH",
        Arrow.Types.IntervalUnit.DayTime => "DAY_TIME",
        _ => "MONTH_DAY_NANO",
    };

    public static FloatPrecision? ParsePrecision(string? name) => name switch
    {
        "HALF" => FloatPrecision.Half,
        "SINGLE" => FloatPrecision.Single,
        "DOUBLE" => FloatPrecision.Double,
        _ => null,
    };

    public static Arrow.Types.TimeUnit? ParseTimeUnit(string? name) => name switch
    {
        "SECOND" => Arrow.Types.TimeUnit.Second,
        "MILLISECOND" => Arrow.Types.TimeUnit.Millisecond,
        "MICROSECOND" => Arrow.Types.TimeUnit.Microsecond,
        "NANOSECOND" => Arrow.Types.TimeUnit.Nanosecond,
        _ => null,
    };

    public static Arrow.Types.IntervalUnit? ParseIntervalUnit(string? name) => name switch
    {
        "YEAR_MONTH" => Arrow.Types.IntervalUnit.YearMonth,
        "DAY_TIME" => Arrow.Types.IntervalUnit.DayTime,
        "MONTH_DAY_NANO" => Arrow.Types.IntervalUnit.MonthDayNano,
        _ => null,
    };
}
