namespace DataBridge.Frames;

/// <summary>
/// <see cref="TimeSpan"/> → duration[ns]: exact for every tick within ±292 years (the int64 nanosecond
/// range); a longer span (e.g. <see cref="TimeSpan.MaxValue"/>) throws <see cref="OverflowException"/>.
/// </summary>
internal sealed class TimeSpanEncoder : ArrayEncoder<TimeSpan>
{
    private const long MaxTicks = long.MaxValue / 100;
    private static readonly DurationType Type = DurationType.FromTimeUnit(ClrTypeMapping.TickUnit);
    private readonly FixedWidthBuilder<long> _builder = new();

    public TimeSpanEncoder(string name)
        : base(name, Type, nullable: false)
    {
    }

    public override void Append(TimeSpan value)
    {
        if (value.Ticks > MaxTicks || value.Ticks < -MaxTicks)
        {
            throw new OverflowException($"Column '{Name}': {value} is outside duration[ns]'s range of about ±292 years.");
        }

        _builder.Append(value.Ticks * 100);
    }

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build(Type));
}
