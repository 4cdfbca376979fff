namespace DataBridge.Frames;

/// <summary><see cref="DateOnly"/> → date32 (days since 1970-01-01; covers years 1 to 9999).</summary>
internal sealed class DateOnlyEncoder : ArrayEncoder<DateOnly>
{
    private readonly FixedWidthBuilder<int> _builder = new();

    public DateOnlyEncoder(string name)
        : base(name, Date32Type.Default, nullable: false)
    {
    }

    public override void Append(DateOnly value) => _builder.Append(value.DayNumber - TemporalConversions.UnixEpochDayNumber);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build(Date32Type.Default));
}
