namespace DataBridge.Frames;

/// <summary>
/// <see cref="DateTime"/> → timestamp[us]: the wall-clock value as microseconds since 1970-01-01 (years
/// 1 to 9999 fit; ticks below a microsecond are floored). The zone is decided when the column is complete:
/// <c>UTC</c> when every non-null value has <see cref="DateTimeKind.Utc"/>, none otherwise (Local and
/// Unspecified values are stored as their wall-clock time, never converted).
/// </summary>
internal sealed class DateTimeEncoder : ColumnEncoder<DateTime>
{
    private static readonly TimestampType Unzoned = new(ClrTypeMapping.DateTimeUnit, (string?)null);
    private readonly FixedWidthBuilder<long> _builder = new();
    private readonly List<ArrayData> _partitions = [];
    private bool _nullable;
    private bool _sawValue;
    private bool _allUtc = true;

    public DateTimeEncoder(string name)
        : base(name)
    {
    }

    public override void Append(DateTime value)
    {
        _sawValue = true;
        _allUtc &= value.Kind == DateTimeKind.Utc;
        _builder.Append(FloorDiv(value.Ticks - DateTime.UnixEpoch.Ticks, 10));
    }

    public override void AppendNull()
    {
        _nullable = true;
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override void EndPartition() => _partitions.Add(_builder.Build(Unzoned));

    public override (Field Field, IReadOnlyList<IArrowArray> Partitions) Complete()
    {
        if (!(_sawValue && _allUtc))
        {
            return (new Field(Name, Unzoned, _nullable), [.. _partitions.Select(ArrowArrayFactory.BuildArray)]);
        }

        // Same buffers, re-labelled with the zone now that every value is known to be UTC.
        var utc = new TimestampType(ClrTypeMapping.DateTimeUnit, "UTC");
        IArrowArray[] relabelled = [.. _partitions.Select(p => ArrowArrayFactory.BuildArray(new ArrayData(utc, p.Length, p.NullCount, p.Offset, p.Buffers, p.Children)))];
        return (new Field(Name, utc, _nullable), relabelled);
    }

    internal static long FloorDiv(long a, long b)
    {
        long q = Math.DivRem(a, b, out long r);
        return r < 0 ? q - 1 : q;
    }
}
