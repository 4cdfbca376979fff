using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary><see cref="DateTimeOffset"/> → the struct of <see cref="DateTimeOffsetLayout"/> (UTC instant + offset minutes).</summary>
/// <remarks>A null row is null in the struct and in both children, as Arrow C++ builds it.</remarks>
internal sealed class DateTimeOffsetEncoder : ArrayEncoder<DateTimeOffset>
{
    private readonly FixedWidthBuilder<long> _instant = new();
    private readonly FixedWidthBuilder<short> _offset = new();
    private readonly ValidityBuilder _validity = new(ArrowMemoryAllocator.Default);

    public DateTimeOffsetEncoder(string name)
        : base(name, DateTimeOffsetLayout.Type, nullable: false)
    {
    }

    public override void Append(DateTimeOffset value)
    {
        _instant.Append(DateTimeEncoder.FloorDiv(value.UtcTicks - DateTime.UnixEpoch.Ticks, 10));
        _offset.Append((short)(value.Offset.Ticks / TimeSpan.TicksPerMinute));
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        MakeNullable();
        _instant.AppendNull();
        _offset.AppendNull();
        _validity.AppendNull();
    }

    public override void Reserve(int rows)
    {
        _instant.Reserve(rows);
        _offset.Reserve(rows);
        _validity.Reserve(rows);
    }

    protected override IArrowArray BuildPartition()
    {
        int length = _validity.Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        ArrayData[] children = [_instant.Build(DateTimeOffsetLayout.Timestamp), _offset.Build(Int16Type.Default)];
        return new StructArray(new ArrayData(DateTimeOffsetLayout.Type, length, nullCount, 0, new[] { validity }, children));
    }
}
