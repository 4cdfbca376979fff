namespace DataBridge.Frames;

/// <summary>Booleans: <c>true</c>/<c>false</c> in any letter case.</summary>
internal sealed class CsvBooleanParser : CsvColumnParser
{
    private readonly BooleanValuesBuilder _builder = new();

    public CsvBooleanParser(Field field)
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

        if (!TryParse(text, out bool value))
        {
            return false;
        }

        _builder.Append(value);
        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build());

    public static bool TryParse(ReadOnlySpan<byte> text, out bool value)
    {
        value = text.Length == 4;
        return (text.Length == 4 && System.Text.Ascii.EqualsIgnoreCase(text, "true"u8)) ||
               (text.Length == 5 && System.Text.Ascii.EqualsIgnoreCase(text, "false"u8));
    }
}
