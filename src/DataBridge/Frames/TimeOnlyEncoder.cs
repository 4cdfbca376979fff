namespace DataBridge.Frames;

/// <summary><see cref="TimeOnly"/> → time64[ns]: every 100 ns tick is kept.</summary>
internal sealed class TimeOnlyEncoder : ArrayEncoder<TimeOnly>
{
    private static readonly Time64Type Type = new(ClrTypeMapping.TickUnit);
    private readonly FixedWidthBuilder<long> _builder = new();

    public TimeOnlyEncoder(string name)
        : base(name, Type, nullable: false)
    {
    }

    public override void Append(TimeOnly value) => _builder.Append(value.Ticks * 100);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build(Type));
}
