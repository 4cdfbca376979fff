namespace DataBridge.Frames;

/// <summary>
/// Timestamps from ISO 8601 text, converted to the column's unit (floored). A value with a zone is
/// stored as its UTC instant; a value without one as its wall-clock time (in a zoned column that time is
/// taken as UTC).
/// </summary>
internal sealed class CsvTimestampParser : CsvColumnParser
{
    private readonly FixedWidthBuilder<long> _builder = new();
    private readonly TimeUnit _unit;

    public CsvTimestampParser(Field field)
        : base(field)
    {
        var type = (TimestampType)field.DataType;
        _unit = type.Unit;
    }

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        if (!IsoText.TryParseTimestamp(text, out long ticks, out _))
        {
            return false;
        }

        try
        {
            _builder.Append(TemporalConversions.FromTicks(ticks - DateTime.UnixEpoch.Ticks, _unit));
        }
        catch (OverflowException)
        {
            return false;
        }

        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build(Field.DataType));
}
