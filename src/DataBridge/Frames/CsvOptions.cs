namespace DataBridge.Frames;

/// <summary>How <see cref="ArrowFrame.LoadCsv(string, CsvOptions?)"/> reads and <see cref="ArrowFrame.SaveCsv(string, CsvOptions?)"/> writes CSV (rules in docs/dataframe.md).</summary>
public sealed class CsvOptions
{
    /// <summary>The field separator (an ASCII character). Default <c>,</c>.</summary>
    public char Separator { get; set; } = ',';

    /// <summary>The quote character (ASCII). Default <c>"</c>.</summary>
    public char Quote { get; set; } = '"';

    /// <summary>Whether the first record holds the column names (read) / whether to write them (save). Default true.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Column names to use instead of the header's (or when there is none); default: the header, else <c>column1</c>, <c>column2</c>, ….</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>
    /// Column types: fields matched to the CSV's columns by name; columns it does not name are inferred.
    /// Null (the default): every column is inferred from the first <see cref="InferenceRows"/> rows.
    /// </summary>
    public Schema? Schema { get; set; }

    /// <summary>
    /// How many rows type inference looks at (default 1000); 0 reads every inferred column as utf8. A later
    /// value that does not fit the inferred type raises <see cref="CsvFormatException"/> with its line:
    /// raise this, or give a <see cref="Schema"/>.
    /// </summary>
    public int InferenceRows { get; set; } = 1000;

    /// <summary>
    /// Whether inference gives decimal columns (default false: such columns are float64). When true, a column whose
    /// sampled values are all plain decimals (<c>-12.50</c>: sign, digits, point; no exponent) and not all int64 is
    /// decimal128(38, s), or decimal256(76, s) when the sample needs more than 38 digits, where s is the most
    /// fraction digits sampled; values are parsed exactly. A later value with more fraction digits (other than
    /// trailing zeros) or more digits than the precision raises <see cref="CsvFormatException"/> naming its line
    /// and column. Columns given by <see cref="Schema"/> are not inferred.
    /// </summary>
    public bool InferDecimals { get; set; }

    /// <summary>Rows per partition (record batch) when reading. Default <see cref="ArrowFrame.DefaultPartitionRows"/>.</summary>
    public int PartitionRows { get; set; } = ArrowFrame.DefaultPartitionRows;

    /// <summary>
    /// Unquoted field texts that mean null, besides the empty unquoted field (always null). Default none;
    /// e.g. <c>["NA", "null"]</c>. A quoted field is never null: <c>""</c> is the empty string.
    /// </summary>
    public IList<string> NullValues { get; } = new List<string>();

    /// <summary>The line terminator written by SaveCsv. Default <c>"\n"</c> (RFC 4180 uses <c>"\r\n"</c>; both are read).</summary>
    public string NewLine { get; set; } = "\n";

    /// <summary>The read buffer's initial size in bytes (it grows when one record is larger). Default 1 MiB.</summary>
    public int BufferSize { get; set; } = 1 << 20;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate()
    {
        if (Separator > 127 || Quote > 127 || Separator == Quote || Separator is '\r' or '\n' || Quote is '\r' or '\n')
        {
            throw new ArgumentException("Separator and Quote must be distinct ASCII characters other than CR and LF.");
        }

        if (InferenceRows < 0 || PartitionRows <= 0 || BufferSize < 16)
        {
            throw new ArgumentException("InferenceRows must be >= 0, PartitionRows > 0 and BufferSize >= 16.");
        }

        if (NewLine is not ("\n" or "\r\n" or "\r"))
        {
            throw new ArgumentException("NewLine must be \"\\n\", \"\\r\\n\" or \"\\r\".");
        }
    }
}
