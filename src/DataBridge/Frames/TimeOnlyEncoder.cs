namespace DataBridge.Frames;

/// <summary><see cref="TimeOnly"/> → time64[ns]: every 100 ns tick is kept.</summary>
internal sealed class TimeOnlyEncoder : ArrayEncoder<TimeOnly>
{
    private readonly Time64Array.Builder _builder = new(new TimeType(ClrTypeMapping.TickUnit));

    public TimeOnlyEncoder(string name)
        : base(name, new TimeType(ClrTypeMapping.TickUnit), nullable: false)
    {
    }

    public override void Append(TimeOnly value) => _builder.Append(value.Ticks * 100);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override ArrowArray BuildPartition() => _builder.Build();
}
