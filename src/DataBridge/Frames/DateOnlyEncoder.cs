namespace DataBridge.Frames;

/// <summary><see cref="DateOnly"/> → date32 (days since 1970-01-01; covers years 1 to 9999).</summary>
internal sealed class DateOnlyEncoder : ArrayEncoder<DateOnly>
{
    private readonly Date32Array.Builder _builder = new();

    public DateOnlyEncoder(string name)
        : base(name, DateType.Date32, nullable: false)
    {
    }

    public override void Append(DateOnly value) => _builder.Append(value);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override ArrowArray BuildPartition() => _builder.Build();
}
