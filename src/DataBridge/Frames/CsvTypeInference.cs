namespace DataBridge.Frames;

/// <summary>
/// Infers one column's type from sample values, narrowest first: bool (<c>true</c>/<c>false</c>), int64,
/// (with <see cref="CsvOptions.InferDecimals"/>) decimal128(38, s) or decimal256(76, s) for plain decimals, float64, date32 (<c>yyyy-MM-dd</c>), timestamp[us] (ISO without zone), timestamp[us, UTC] (every value
/// with a zone), else utf8; a column with no non-null sample value is utf8. Inferred fields are nullable.
/// </summary>
internal sealed class CsvTypeInference
{
    private const int Decimal128Precision = 38;
    private const int Decimal256Precision = 76;

    private bool _decimal;
    private int _integerDigits;
    private int _scale;
    private bool _seen;
    private bool _bool = true;
    private bool _int = true;
    private bool _double = true;
    private bool _date = true;
    private bool _timestamp = true;
    private bool _zoned = true;

    /// <summary>A column's inference.</summary>
    /// <param name="inferDecimals">Whether plain decimal texts infer a decimal type (<see cref="CsvOptions.InferDecimals"/>).</param>
    public CsvTypeInference(bool inferDecimals = false) => _decimal = inferDecimals;

    /// <summary>Takes one non-null sample value into account.</summary>
    public void Observe(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return; // a quoted "" reads as null in every non-string type
        }

        _seen = true;
        if (_bool && !CsvBooleanParser.TryParse(text, out _))
        {
            _bool = false;
        }

        if (_int && !long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            _int = false;
        }

        if (_decimal)
        {
            if (PlainDecimalText.TryMeasure(text, out int integerDigits, out int fractionDigits))
            {
                _integerDigits = Math.Max(_integerDigits, integerDigits);
                _scale = Math.Max(_scale, fractionDigits);
                _decimal = _integerDigits + _scale <= Decimal256Precision;
            }
            else
            {
                _decimal = false;
            }
        }

        if (_double && !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            _double = false;
        }

        if (_date || _timestamp || _zoned)
        {
            IsoText.Shape shape = IsoText.Classify(text);
            _date &= shape == IsoText.Shape.Date && IsoText.TryParseDate(text, out _);
            bool parses = (_timestamp || _zoned) && IsoText.TryParseTimestamp(text, out _, out _);
            _timestamp &= shape == IsoText.Shape.Timestamp && parses;
            _zoned &= shape == IsoText.Shape.ZonedTimestamp && parses;
        }
    }

    /// <summary>The inferred type.</summary>
    public IArrowType Result() => !_seen ? StringType.Default
        : _bool ? BooleanType.Default
        : _int ? Int64Type.Default
        : _decimal && _integerDigits + _scale <= Decimal128Precision ? new Decimal128Type(Decimal128Precision, _scale)
        : _decimal ? new Decimal256Type(Decimal256Precision, _scale)
        : _double ? DoubleType.Default
        : _date ? Date32Type.Default
        : _timestamp ? new TimestampType(TimeUnit.Microsecond, (string?)null)
        : _zoned ? new TimestampType(TimeUnit.Microsecond, "UTC")
        : StringType.Default;
}
