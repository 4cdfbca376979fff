using System.Globalization;

namespace DataBridge.Frames;

/// <summary>Decimals (explicit schema only), parsed with the invariant culture and rescaled exactly to the column's scale.</summary>
internal sealed class CsvDecimalParser : CsvColumnParser
{
    private readonly FixedWidthBinaryBuilder _builder;
    private readonly int _width;
    private readonly int _scale;

    public CsvDecimalParser(Field field)
        : base(field)
    {
        _width = ((FixedSizeBinaryType)field.DataType).ByteWidth;
        _scale = DecimalConversion.Scale(field.DataType);
        _builder = new FixedWidthBinaryBuilder(field.DataType, _width, allocator: null);
    }

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        Span<byte> slot = stackalloc byte[32];
        slot = slot[.._width];
        if (!decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal value) ||
            !DecimalConversion.TryWrite(value, _scale, slot))
        {
            return false;
        }

        _builder.Append(slot);
        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build());
}
