namespace DataBridge.Frames;

/// <summary>date32 from <c>yyyy-MM-dd</c>.</summary>
internal sealed class CsvDateParser : CsvColumnParser
{
    private readonly FixedWidthBuilder<int> _builder = new();

    public CsvDateParser(Field field)
        : base(field)
    {
    }

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        if (!IsoText.TryParseDate(text, out DateOnly date))
        {
            return false;
        }

        _builder.Append(date.DayNumber - TemporalConversions.UnixEpochDayNumber);
        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build(Date32Type.Default));
}
