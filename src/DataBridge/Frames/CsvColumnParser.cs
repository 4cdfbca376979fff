namespace DataBridge.Frames;

/// <summary>
/// Parses one CSV column's field texts (UTF-8 bytes) into one of our buffer builders (Arrow/Builders, faster
/// than Apache.Arrow's: docs/dataframe.md); <see cref="Build"/> ends a partition.
/// Culture-invariant throughout.
/// </summary>
internal abstract class CsvColumnParser
{
    protected CsvColumnParser(Field field) => Field = field;

    /// <summary>The column's field.</summary>
    public Field Field { get; }

    /// <summary>Appends a null.</summary>
    public abstract void AppendNull();

    /// <summary>Parses and appends a non-null field; false when the text is not a value of the column's type.</summary>
    /// <param name="text">The field's bytes (unquoted, unescaped).</param>
    /// <param name="quoted">Whether the field was quoted (only strings tell <c>""</c> from null; other types read it as null).</param>
    public abstract bool TryAppend(ReadOnlySpan<byte> text, bool quoted);

    /// <summary>The partition's array; the parser starts a new one.</summary>
    public abstract IArrowArray Build();

    /// <summary>Makes room for a partition of <paramref name="rows"/> rows (values like the previous partition's), so builders do not regrow.</summary>
    public abstract void Reserve(int rows);

    /// <summary>Whether a CSV column can be read as <paramref name="type"/>.</summary>
    public static bool Supports(IArrowType type) => type is IntegerType or FloatingPointType or BooleanType or StringType or LargeStringType
        or Date32Type or TimestampType or Time64Type or DurationType || DecimalConversion.IsDecimal(type);

    /// <summary>A parser for <paramref name="field"/>'s type.</summary>
    /// <exception cref="NotSupportedException">The type cannot be read from CSV.</exception>
    public static CsvColumnParser Create(Field field) => field.DataType.TypeId switch
    {
        ArrowTypeId.Int8 => new CsvNumberParser<sbyte>(field),
        ArrowTypeId.Int16 => new CsvNumberParser<short>(field),
        ArrowTypeId.Int32 => new CsvNumberParser<int>(field),
        ArrowTypeId.Int64 => new CsvNumberParser<long>(field),
        ArrowTypeId.UInt8 => new CsvNumberParser<byte>(field),
        ArrowTypeId.UInt16 => new CsvNumberParser<ushort>(field),
        ArrowTypeId.UInt32 => new CsvNumberParser<uint>(field),
        ArrowTypeId.UInt64 => new CsvNumberParser<ulong>(field),
        ArrowTypeId.HalfFloat => new CsvNumberParser<Half>(field),
        ArrowTypeId.Float => new CsvNumberParser<float>(field),
        ArrowTypeId.Double => new CsvNumberParser<double>(field),
        ArrowTypeId.Boolean => new CsvBooleanParser(field),
        ArrowTypeId.String => new CsvStringParser(field, large: false),
        ArrowTypeId.LargeString => new CsvStringParser(field, large: true),
        ArrowTypeId.Decimal32 or ArrowTypeId.Decimal64 or ArrowTypeId.Decimal128 or ArrowTypeId.Decimal256 => new CsvDecimalParser(field),
        ArrowTypeId.Date32 => new CsvDateParser(field),
        ArrowTypeId.Timestamp => new CsvTimestampParser(field),
        ArrowTypeId.Time64 or ArrowTypeId.Duration => new CsvTimeParser(field),
        _ => throw new NotSupportedException(
            $"Column '{field.Name}': {ArrowTypeText.Of(field.DataType)} cannot be read from CSV (supported: integers, floats, bool, utf8, large_utf8, decimal, date32, timestamp, time64, duration)."),
    };
}
