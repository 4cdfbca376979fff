using System.Buffers;
using System.Globalization;
using System.Text;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// The .NET half of the CSV-pipe baseline: writes the payload as CSV (UTF-8, invariant culture, empty
/// field = null) and parses pandas' CSV back into record batches. Written with spans and UTF-8
/// formatting/parsing so the baseline is a fair, reasonably fast CSV path, not a straw man.
/// </summary>
internal static class CsvBaseline
{
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    public static byte[] Write(IReadOnlyList<RecordBatch> batches)
    {
        var output = new ArrayBufferWriter<byte>(1 << 20);
        Schema schema = batches[0].Schema;
        Append(output, string.Join(',', schema.FieldsList.Select(f => f.Name)) + "\n");
        foreach (RecordBatch batch in batches)
        {
            for (int row = 0; row < batch.Length; row++)
            {
                for (int c = 0; c < batch.ColumnCount; c++)
                {
                    if (c > 0)
                    {
                        output.GetSpan(1)[0] = (byte)',';
                        output.Advance(1);
                    }

                    WriteValue(output, batch.Column(c), row);
                }

                output.GetSpan(1)[0] = (byte)'\n';
                output.Advance(1);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, IArrowArray column, int row)
    {
        if (column.IsNull(row))
        {
            return;
        }

        Span<byte> span = output.GetSpan(64);
        int written;
        switch (column)
        {
            case TimestampArray ts:
                DateTime t = DateTime.UnixEpoch.AddTicks(ts.Values[row] * 10);
                t.TryFormat(span, out written, TimestampFormat, CultureInfo.InvariantCulture);
                break;
            case Int64Array i:
                i.Values[row].TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case DoubleArray d:
                d.Values[row].TryFormat(span, out written, default, CultureInfo.InvariantCulture);
                break;
            case StringArray s:
                ReadOnlySpan<byte> bytes = s.GetBytes(row);
                span = output.GetSpan(bytes.Length);
                bytes.CopyTo(span);
                written = bytes.Length;
                break;
            default:
                throw new NotSupportedException(column.Data.DataType.Name);
        }

        output.Advance(written);
    }

    public static List<RecordBatch> Parse(byte[] csv, Schema schema, int batchRows)
    {
        var batches = new List<RecordBatch>();
        ReadOnlySpan<byte> text = csv;
        int newline = text.IndexOf((byte)'\n');
        text = text[(newline + 1)..]; // header
        IColumnParser[] parsers = NewParsers(schema);
        int rows = 0;
        while (!text.IsEmpty)
        {
            newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? default : text[(newline + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            foreach (IColumnParser parser in parsers)
            {
                int comma = line.IndexOf((byte)',');
                parser.Append(comma < 0 ? line : line[..comma]);
                line = comma < 0 ? default : line[(comma + 1)..];
            }

            if (++rows == batchRows)
            {
                batches.Add(new RecordBatch(schema, parsers.Select(p => p.Build()), rows));
                parsers = NewParsers(schema);
                rows = 0;
            }
        }

        if (rows > 0)
        {
            batches.Add(new RecordBatch(schema, parsers.Select(p => p.Build()), rows));
        }

        return batches;
    }

    private interface IColumnParser
    {
        void Append(ReadOnlySpan<byte> field);

        IArrowArray Build();
    }

    private sealed class Int64Parser : IColumnParser
    {
        private readonly Int64Array.Builder _builder = new();

        public void Append(ReadOnlySpan<byte> field) => AppendInt64(_builder, field);

        public IArrowArray Build() => _builder.Build();
    }

    private sealed class DoubleParser : IColumnParser
    {
        private readonly DoubleArray.Builder _builder = new();

        public void Append(ReadOnlySpan<byte> field) => AppendDouble(_builder, field);

        public IArrowArray Build() => _builder.Build();
    }

    private sealed class StringParser : IColumnParser
    {
        private readonly StringArray.Builder _builder = new();

        public void Append(ReadOnlySpan<byte> field) => _builder.Append(field);

        public IArrowArray Build() => _builder.Build();
    }

    private sealed class TimestampParser(TimestampType type) : IColumnParser
    {
        private readonly TimestampArray.Builder _builder = new(type);

        public void Append(ReadOnlySpan<byte> field) => AppendTimestamp(_builder, field);

        public IArrowArray Build() => _builder.Build();
    }

    private static IColumnParser[] NewParsers(Schema schema) =>
        [.. schema.FieldsList.Select(f => f.DataType switch
        {
            Int64Type => (IColumnParser)new Int64Parser(),
            DoubleType => new DoubleParser(),
            StringType => new StringParser(),
            TimestampType t => new TimestampParser(t),
            _ => throw new NotSupportedException(f.DataType.Name),
        })];

    private static void AppendInt64(Int64Array.Builder b, ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            b.AppendNull();
        }
        else if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
        {
            b.Append(v);
        }
        else
        {
            // pandas turns an int column with nulls into float64 and writes "3.0".
            b.Append((long)double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    private static void AppendDouble(DoubleArray.Builder b, ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            b.AppendNull();
        }
        else
        {
            b.Append(double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    private static void AppendTimestamp(TimestampArray.Builder b, ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            b.AppendNull();
            return;
        }

        Span<char> chars = stackalloc char[s.Length];
        Encoding.ASCII.GetChars(s, chars);
        DateTime t = DateTime.ParseExact(chars, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        b.Append(new DateTimeOffset(t));
    }

    private static void Append(ArrayBufferWriter<byte> output, string s)
    {
        int n = Encoding.UTF8.GetBytes(s, output.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length)));
        output.Advance(n);
    }
}
