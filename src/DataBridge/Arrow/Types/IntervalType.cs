namespace DataBridge.Arrow.Types;

/// <summary>Calendar intervals (see <see cref="IntervalUnit"/> for the layouts).</summary>
public sealed class IntervalType : ArrowType
{
    /// <summary>Months as int32.</summary>
    public static readonly IntervalType YearMonth = new(IntervalUnit.YearMonth);
    /// <summary>Days and milliseconds.</summary>
    public static readonly IntervalType DayTime = new(IntervalUnit.DayTime);
    /// <summary>Months, days and nanoseconds.</summary>
    public static readonly IntervalType MonthDayNano = new(IntervalUnit.MonthDayNano);

    private IntervalType(IntervalUnit unit) => Unit = unit;

    /// <summary>Returns the type with the given unit.</summary>
    public static IntervalType Get(IntervalUnit unit) => unit switch
    {
        IntervalUnit.YearMonth => YearMonth,
        IntervalUnit.DayTime => DayTime,
        IntervalUnit.MonthDayNano => MonthDayNano,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown interval unit."),
    };

    /// <summary>The unit.</summary>
    public IntervalUnit Unit { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Interval;

    /// <inheritdoc />
    public override int BitWidth => Unit switch { IntervalUnit.YearMonth => 32, IntervalUnit.DayTime => 64, _ => 128 };

    /// <inheritdoc />
    public override string Name => Unit switch { IntervalUnit.YearMonth => "interval[year_month]", IntervalUnit.DayTime => "interval[day_time]", _ => "interval[month_day_nano]" };

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is IntervalType t && t.Unit == Unit;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Unit);
}
