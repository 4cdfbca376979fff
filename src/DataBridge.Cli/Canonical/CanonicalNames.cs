namespace DataBridge.Cli.Canonical;

/// <summary>The enum spellings of canonical (and Arrow integration) JSON, and the types they name.</summary>
internal static class CanonicalNames
{
    public static string Precision(FloatingPointType.PrecisionKind precision) => precision switch
    {
        FloatingPointType.PrecisionKind.Half => "HALF",
        FloatingPointType.PrecisionKind.Single => "SINGLE",
        _ => "DOUBLE",
    };

    public static string TimeUnit(Apache.Arrow.Types.TimeUnit unit) => unit switch
    {
        Apache.Arrow.Types.TimeUnit.Second => "SECOND",
        Apache.Arrow.Types.TimeUnit.Millisecond => "MILLISECOND",
        Apache.Arrow.Types.TimeUnit.Microsecond => "MICROSECOND",
        _ => "NANOSECOND",
    };

    public static string IntervalUnit(Apache.Arrow.Types.IntervalUnit unit) => unit switch
    {
        Apache.Arrow.Types.IntervalUnit.YearMonth => "YEAR_MONTH",
        Apache.Arrow.Types.IntervalUnit.DayTime => "DAY_TIME",
        _ => "MONTH_DAY_NANO",
    };

    /// <summary>The floating-point type of a canonical <c>precision</c>, or null for an unknown name.</summary>
    public static FloatingPointType? ParsePrecision(string? name) => name switch
    {
        "HALF" => HalfFloatType.Default,
        "SINGLE" => FloatType.Default,
        "DOUBLE" => DoubleType.Default,
        _ => null,
    };

    public static Apache.Arrow.Types.TimeUnit? ParseTimeUnit(string? name) => name switch
    {
        "SECOND" => Apache.Arrow.Types.TimeUnit.Second,
        "MILLISECOND" => Apache.Arrow.Types.TimeUnit.Millisecond,
        "MICROSECOND" => Apache.Arrow.Types.TimeUnit.Microsecond,
        "NANOSECOND" => Apache.Arrow.Types.TimeUnit.Nanosecond,
        _ => null,
    };

    public static Apache.Arrow.Types.IntervalUnit? ParseIntervalUnit(string? name) => name switch
    {
        "YEAR_MONTH" => Apache.Arrow.Types.IntervalUnit.YearMonth,
        "DAY_TIME" => Apache.Arrow.Types.IntervalUnit.DayTime,
        "MONTH_DAY_NANO" => Apache.Arrow.Types.IntervalUnit.MonthDayNanosecond,
        _ => null,
    };

    /// <summary>The integer type of <paramref name="bitWidth"/> bits (8, 16, 32 or 64), or null for another width.</summary>
    public static IntegerType? Integer(int bitWidth, bool signed) => DataBridge.Arrow.TypeLayout.Integer(bitWidth, signed);

    /// <summary>Precision, scale and bit width of a decimal type of any width; false for other types.</summary>
    public static bool TryGetDecimal(IArrowType type, out int precision, out int scale, out int bitWidth)
    {
        (precision, scale, bitWidth) = type switch
        {
            Decimal32Type t => (t.Precision, t.Scale, 32),
            Decimal64Type t => (t.Precision, t.Scale, 64),
            Decimal128Type t => (t.Precision, t.Scale, 128),
            Decimal256Type t => (t.Precision, t.Scale, 256),
            _ => (0, 0, 0),
        };
        return bitWidth != 0;
    }
}
