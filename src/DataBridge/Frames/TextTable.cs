using System.Collections;
using System.Globalization;
using System.Text;

namespace DataBridge.Frames;

/// <summary>The aligned text rendering of <see cref="ArrowFrame.ToString()"/>, culture-invariant.</summary>
internal static class TextTable
{
    private const int MaxCellWidth = 32;

    public static string Render(ArrowFrame frame, int maxRows)
    {
        var sb = new StringBuilder();
        Schema schema = frame.Schema;
        long shown = Math.Min(maxRows, frame.RowCount);
        int columns = schema.FieldsList.Count;

        // cells[c][0] is the header; the index column comes first.
        var cells = new List<string>[columns + 1];
        cells[0] = [string.Empty];
        for (long r = 0; r < shown; r++)
        {
            cells[0].Add(r.ToString(CultureInfo.InvariantCulture));
        }

        var numeric = new bool[columns + 1];
        numeric[0] = true;
        ArrowFrame head = frame.Head((int)shown);
        for (int c = 0; c < columns; c++)
        {
            Field field = schema.FieldsList[c];
            Func<IArrowArray, int, object?> get = BoxedValue.Getter(field);
            numeric[c + 1] = field.DataType is IntegerType or FloatingPointType || DecimalConversion.IsDecimal(field.DataType);
            var column = new List<string> { field.Name };
            foreach (RecordBatch batch in head.Partitions)
            {
                IArrowArray array = batch.Column(c);
                for (int i = 0; i < array.Length; i++)
                {
                    column.Add(Truncate(Format(get(array, i))));
                }
            }

            cells[c + 1] = column;
        }

        sb.Append("ArrowFrame: ").Append(frame.RowCount.ToString(CultureInfo.InvariantCulture)).Append(" rows x ")
            .Append(columns.ToString(CultureInfo.InvariantCulture)).Append(" columns, ")
            .Append(frame.Partitions.Count.ToString(CultureInfo.InvariantCulture)).Append(frame.Partitions.Count == 1 ? " partition" : " partitions")
            .AppendLine();
        if (columns > 0)
        {
            int[] widths = [.. cells.Select(col => col.Max(s => s.Length))];
            for (int line = 0; line <= shown; line++)
            {
                for (int c = 0; c <= columns; c++)
                {
                    if (c > 0)
                    {
                        sb.Append("  ");
                    }

                    string cell = cells[c][line];
                    if (numeric[c] || line == 0 && c == 0)
                    {
                        sb.Append(cell.PadLeft(widths[c]));
                    }
                    else
                    {
                        sb.Append(c == columns ? cell : cell.PadRight(widths[c]));
                    }
                }

                sb.AppendLine();
            }

            if (frame.RowCount > shown)
            {
                sb.Append("... ").Append((frame.RowCount - shown).ToString(CultureInfo.InvariantCulture)).AppendLine(" more rows");
            }
        }

        sb.AppendLine("Schema:");
        foreach (Field f in schema.FieldsList)
        {
            sb.Append("  ").AppendLine(ArrowTypeText.Of(f));
        }

        return sb.ToString();
    }

    /// <summary>One value as text: invariant culture, ISO dates, null as <c>null</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        byte[] b => "0x" + Convert.ToHexString(b),
        DateTime d => d.TimeOfDay == TimeSpan.Zero && d.Kind != DateTimeKind.Utc
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + (d.Kind == DateTimeKind.Utc ? "Z" : string.Empty),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + d.ToString("zzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        IDictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(kv => kv.Key + ": " + Format(kv.Value))) + "}",
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Truncate(string s)
    {
        s = s.ReplaceLineEndings("\\n");
        return s.Length <= MaxCellWidth ? s : string.Concat(s.AsSpan(0, MaxCellWidth - 1), "…");
    }
}
