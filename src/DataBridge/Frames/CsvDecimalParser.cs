using System.Globalization;

namespace DataBridge.Frames;

/// <summary>
/// Decimals (from a schema, or inferred with <see cref="CsvOptions.InferDecimals"/>): plain texts (<c>-12.50</c>) are
/// parsed straight into the unscaled integer with the column's precision and scale checked (up to 76 digits);
/// others (an exponent, group separators) go through <see cref="decimal"/> with the invariant culture and are
/// rescaled exactly.
/// </summary>
internal sealed class CsvDecimalParser : CsvColumnParser
{
    private readonly FixedWidthBinaryBuilder _builder;
    private readonly int _width;
    private readonly int _scale;
    private readonly int _precision;

    public CsvDecimalParser(Field field)
        : base(field)
    {
        _width = ((FixedSizeBinaryType)field.DataType).ByteWidth;
        _scale = DecimalConversion.Scale(field.DataType);
        _precision = DecimalConversion.Precision(field.DataType);
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
        if (PlainDecimalText.TryMeasure(text, out _, out _))
        {
            if (!PlainDecimalText.TryWriteUnscaled(text, _scale, _precision, slot))
            {
                return false;
            }

            _builder.Append(slot);
            return true;
        }

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
