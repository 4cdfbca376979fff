using System.Globalization;

namespace DataBridge.Frames;

/// <summary>
/// Writes a frame as CSV (UTF-8, no BOM): a header unless <see cref="CsvOptions.HasHeader"/> is false,
/// one line per row; a null is an empty field, an empty string is <c>""</c>; fields holding the separator,
/// the quote, CR or LF are quoted with inner quotes doubled. Values are culture-invariant: ISO 8601 dates
/// and times (<c>Z</c> for UTC timestamps, <c>±HH:mm</c> for DateTimeOffset), shortest round-trip floats,
/// exact decimals, binary as base64, UUIDs as <c>xxxxxxxx-xxxx-…</c> — so LoadCsv reads back what SaveCsv wrote.
/// </summary>
internal static class CsvWriter
{
    public static void Write(ArrowFrame frame, TextWriter writer, CsvOptions options)
    {
        options.Validate();
        string separator = options.Separator.ToString();
        char[] special = [options.Separator, options.Quote, '\r', '\n'];
        string quote = options.Quote.ToString();
        string doubled = quote + quote;
        writer.NewLine = options.NewLine;

        void WriteField(string? text)
        {
            if (text is null)
            {
                return;
            }

            if (text.Length == 0 || text.AsSpan().IndexOfAny(special) >= 0)
            {
                writer.Write(quote);
                writer.Write(text.Replace(quote, doubled, StringComparison.Ordinal));
                writer.Write(quote);
            }
            else
            {
                writer.Write(text);
            }
        }

        Schema schema = frame.Schema;
        if (options.HasHeader && schema.FieldsList.Count > 0)
        {
            for (int c = 0; c < schema.FieldsList.Count; c++)
            {
                if (c > 0)
                {
                    writer.Write(separator);
                }

                WriteField(schema.FieldsList[c].Name);
            }

            writer.WriteLine();
        }

        Func<IArrowArray, int, object?>[] getters = [.. schema.FieldsList.Select(BoxedValue.Getter)];
        foreach (RecordBatch batch in frame.Partitions)
        {
            for (int r = 0; r < batch.Length; r++)
            {
                for (int c = 0; c < getters.Length; c++)
                {
                    if (c > 0)
                    {
                        writer.Write(separator);
                    }

                    WriteField(Format(getters[c](batch.Column(c), r)));
                }

                writer.WriteLine();
            }
        }
    }

    /// <summary>One value as CSV text; null for a null.</summary>
    internal static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + (d.Kind == DateTimeKind.Utc ? "Z" : string.Empty),
        DateTimeOffset d => d.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture).Replace(".+", "+", StringComparison.Ordinal).Replace(".-", "-", StringComparison.Ordinal),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => TextTable.Format(value),
    };
}
