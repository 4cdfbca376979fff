using System.Globalization;

namespace DataBridge.Frames;

/// <summary>Decimals (explicit schema only), parsed with the invariant culture and rescaled exactly to the column's scale.</summary>
internal sealed class CsvDecimalParser : CsvColumnParser
{
    private readonly DecimalArray.Builder _builder;

    public CsvDecimalParser(Field field)
        : base(field) => _builder = new DecimalArray.Builder((DecimalType)field.DataType);

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal value))
        {
            return false;
        }

        try
        {
            _builder.Append(value);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            return false;
        }

        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override ArrowArray Build() => _builder.Build();
}
