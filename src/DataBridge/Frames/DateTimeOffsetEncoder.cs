namespace DataBridge.Frames;

/// <summary><see cref="DateTimeOffset"/> → the struct of <see cref="DateTimeOffsetLayout"/> (UTC instant + offset minutes).</summary>
internal sealed class DateTimeOffsetEncoder : ArrayEncoder<DateTimeOffset>
{
    private readonly StructArray.Builder _builder = new(DateTimeOffsetLayout.Type);
    private readonly TimestampArray.Builder _instant;
    private readonly Int16Array.Builder _offset;

    public DateTimeOffsetEncoder(string name)
        : base(name, DateTimeOffsetLayout.Type, nullable: false)
    {
        _instant = _builder.GetFieldBuilder<TimestampArray.Builder>(0);
        _offset = _builder.GetFieldBuilder<Int16Array.Builder>(1);
    }

    public override void Append(DateTimeOffset value)
    {
        _instant.Append(DateTimeEncoder.FloorDiv(value.UtcTicks - DateTime.UnixEpoch.Ticks, 10));
        _offset.Append((short)(value.Offset.Ticks / TimeSpan.TicksPerMinute));
        _builder.Append();
    }

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override ArrowArray BuildPartition() => _builder.Build();
}
