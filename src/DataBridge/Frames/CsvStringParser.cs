namespace DataBridge.Frames;

/// <summary>Strings: the field's UTF-8 bytes copied as they are (no decoding); a quoted empty field is the empty string.</summary>
internal sealed class CsvStringParser : CsvColumnParser
{
    private readonly StringArray.Builder? _builder;
    private readonly LargeStringArray.Builder? _large;
    private int _lastBytes;

    public CsvStringParser(Field field, bool large)
        : base(field)
    {
        if (large)
        {
            _large = new LargeStringArray.Builder();
        }
        else
        {
            _builder = new StringArray.Builder();
        }
    }

    public override void AppendNull()
    {
        if (_builder is not null)
        {
            _builder.AppendNull();
        }
        else
        {
            _large!.AppendNull();
        }
    }

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (_builder is not null)
        {
            _builder.AppendUtf8(text);
        }
        else
        {
            _large!.AppendUtf8(text);
        }

        return true;
    }

    public override ArrowArray Build()
    {
        if (_builder is not null)
        {
            StringArray built = _builder.Build();
            _lastBytes = built.ValueData.Length;
            return built;
        }

        LargeStringArray large = _large!.Build();
        _lastBytes = large.ValueData.Length;
        return large;
    }

    public override void Reserve(int rows)
    {
        _builder?.Reserve(rows, _lastBytes);
        _large?.Reserve(rows, _lastBytes);
    }
}
