namespace DataBridge.Frames;

/// <summary>
/// Parses one CSV column's field texts (UTF-8 bytes) into an Arrow builder; <see cref="Build"/> ends a partition.
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
    public abstract ArrowArray Build();

    /// <summary>Makes room for a partition of <paramref name="rows"/> rows (values like the previous partition's), so builders do not regrow.</summary>
    public abstract void Reserve(int rows);

    /// <summary>Whether a CSV column can be read as <paramref name="type"/>.</summary>
    public static bool Supports(ArrowType type) => type is IntType or FloatingPointType or BooleanType or Utf8Type or LargeUtf8Type
        or DecimalType or DateType { Unit: DateUnit.Day } or TimestampType or TimeType { BitWidth: 64 } or DurationType;

    /// <summary>A parser for <paramref name="field"/>'s type.</summary>
    /// <exception cref="NotSupportedException">The type cannot be read from CSV.</exception>
    public static CsvColumnParser Create(Field field) => field.DataType switch
    {
        IntType { IsSigned: true, BitWidth: 8 } => new CsvNumberParser<sbyte, Int8Array>(field, new Int8Array.Builder()),
        IntType { IsSigned: true, BitWidth: 16 } => new CsvNumberParser<short, Int16Array>(field, new Int16Array.Builder()),
        IntType { IsSigned: true, BitWidth: 32 } => new CsvNumberParser<int, Int32Array>(field, new Int32Array.Builder()),
        IntType { IsSigned: true } => new CsvNumberParser<long, Int64Array>(field, new Int64Array.Builder()),
        IntType { BitWidth: 8 } => new CsvNumberParser<byte, UInt8Array>(field, new UInt8Array.Builder()),
        IntType { BitWidth: 16 } => new CsvNumberParser<ushort, UInt16Array>(field, new UInt16Array.Builder()),
        IntType { BitWidth: 32 } => new CsvNumberParser<uint, UInt32Array>(field, new UInt32Array.Builder()),
        IntType => new CsvNumberParser<ulong, UInt64Array>(field, new UInt64Array.Builder()),
        FloatingPointType { Precision: FloatPrecision.Half } => new CsvNumberParser<Half, HalfFloatArray>(field, new HalfFloatArray.Builder()),
        FloatingPointType { Precision: FloatPrecision.Single } => new CsvNumberParser<float, FloatArray>(field, new FloatArray.Builder()),
        FloatingPointType => new CsvNumberParser<double, DoubleArray>(field, new DoubleArray.Builder()),
        BooleanType => new CsvBooleanParser(field),
        Utf8Type => new CsvStringParser(field, large: false),
        LargeUtf8Type => new CsvStringParser(field, large: true),
        DecimalType => new CsvDecimalParser(field),
        DateType { Unit: DateUnit.Day } => new CsvDateParser(field),
        TimestampType => new CsvTimestampParser(field),
        TimeType { BitWidth: 64 } or DurationType => new CsvTimeParser(field),
        _ => throw new NotSupportedException(
            $"Column '{field.Name}': {field.DataType} cannot be read from CSV (supported: integers, floats, bool, utf8, large_utf8, decimal, date32, timestamp, time64, duration)."),
    };
}
