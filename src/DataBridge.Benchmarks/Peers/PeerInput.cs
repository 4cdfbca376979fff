using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// One workload's data, built once: the columns as .NET arrays (<c>double[]</c>, <c>long[]</c>, <c>string[]</c>,
/// and each string column also as a <see cref="Utf8Column"/>), the same values as Apache.Arrow record batches
/// of <see cref="BatchRows"/> rows (what the batch peers send), the expected output (the transform computed in
/// .NET, which the smoke test holds every peer to) and the transform as Python source. No value is null.
/// </summary>
internal sealed class PeerInput
{
    /// <summary>Rows per input batch: the bridge's default bound (as the transfer suite).</summary>
    public const int BatchRows = 65536;

    /// <summary>Divides the row counts of the three large workloads (a quick check of the suite, never for figures).</summary>
    public const string DivisorVariable = "DATABRIDGE_PEER_DIVISOR";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private PeerInput(PeerWorkload workload, string[] names, Array[] columns, string? transform, Func<Array[], Array[]> expected, string[] expectedNames)
    {
        Workload = workload;
        Names = names;
        Columns = columns;
        Rows = columns.Length == 0 ? 0 : columns[0].Length;
        Utf8 = [.. columns.Select(c => c is string[] s ? ToUtf8(s) : null)];
        Schema = SchemaOf(names, columns);
        Batches = ToBatches(Schema, columns);
        Array[] expectedColumns = expected(columns);
        ExpectedSchema = SchemaOf(expectedNames, expectedColumns);
        Expected = ToBatches(ExpectedSchema, expectedColumns);
        Transform = transform;
    }

    public PeerWorkload Workload { get; }

    public int Rows { get; }

    public string[] Names { get; }

    /// <summary>The columns: <c>double[]</c>, <c>long[]</c> or <c>string[]</c>.</summary>
    public Array[] Columns { get; }

    /// <summary>Per column, its UTF-8 form when it is a string column, else null.</summary>
    public Utf8Column?[] Utf8 { get; }

    public Schema Schema { get; }

    public List<RecordBatch> Batches { get; }

    public Schema ExpectedSchema { get; }

    /// <summary>The output every peer must produce (values; nullability of fields may differ).</summary>
    public List<RecordBatch> Expected { get; }

    /// <summary>Python source defining <c>transform(df)</c> (returns the output frame); null for <see cref="PeerWorkload.Nothing"/>.</summary>
    public string? Transform { get; }

    /// <summary>The script a DataBridge worker runs: <see cref="Transform"/> on each input frame.</summary>
    public string BridgeScript => Transform is null
        ? "pass"
        : Transform + "\ndata_manager.set_output(transform(df) for df in data_manager.fetch_once())\n";

    /// <summary>The workload at its benchmark size (<see cref="DivisorVariable"/> divides the large ones).</summary>
    public static PeerInput Create(PeerWorkload workload)
    {
        int divisor = Environment.GetEnvironmentVariable(DivisorVariable) is { Length: > 0 } d ? int.Parse(d, CultureInfo.InvariantCulture) : 1;
        return Create(workload, workload switch
        {
            PeerWorkload.Identity10M => 10_000_000 / divisor,
            PeerWorkload.Sum1M or PeerWorkload.Upper1M => 1_000_000 / divisor,
            PeerWorkload.OneRow => 1,
            _ => 0,
        });
    }

    /// <summary>The workload with <paramref name="rows"/> rows (<see cref="PeerWorkload.OneRow"/> and <see cref="PeerWorkload.Nothing"/> ignore it).</summary>
    public static PeerInput Create(PeerWorkload workload, int rows)
    {
        switch (workload)
        {
            case PeerWorkload.Identity10M:
                return new PeerInput(workload, ["x0", "x1", "x2", "x3"], [.. Enumerable.Range(0, 4).Select(c => Doubles(rows, c))], Identity, c => c, ["x0", "x1", "x2", "x3"]);
            case PeerWorkload.Sum1M:
                Array[] numeric = [.. Enumerable.Range(0, 4).Select(c => (Array)Longs(rows, c)), .. Enumerable.Range(0, 4).Select(c => Doubles(rows, c))];
                return new PeerInput(
                    workload,
                    ["a", "b", "c", "d", "e", "f", "g", "h"],
                    numeric,
                    """
                    def transform(df):
                        df["s"] = df["a"] + df["b"]
                        return df
                    """,
                    c => [.. c, ((long[])c[0]).Zip((long[])c[1], (x, y) => x + y).ToArray()],
                    ["a", "b", "c", "d", "e", "f", "g", "h", "s"]);
            case PeerWorkload.Upper1M:
                var random = new Random(42);
                return new PeerInput(
                    workload,
                    ["s0", "s1"],
                    [Strings(rows, random), Strings(rows, random)],
                    """
                    def transform(df):
                        df["s0"] = df["s0"].str.upper()
                        df["s1"] = df["s1"].str.upper()
                        return df
                    """,
                    c => [.. c.Select(s => ((string[])s).Select(v => v.ToUpperInvariant()).ToArray())],
                    ["s0", "s1"]);
            case PeerWorkload.OneRow:
                return new PeerInput(workload, ["x"], [new long[] { 42 }], Identity, c => c, ["x"]);
            case PeerWorkload.Nothing:
                return new PeerInput(workload, [], [], null, c => c, []);
            default:
                throw new ArgumentOutOfRangeException(nameof(workload));
        }
    }

    /// <summary>The input as a Microsoft.Data.Analysis frame (built once by the MDA peer's setup, not per call).</summary>
    public DataFrame ToMdaFrame() => new(Names.Zip(Columns, (name, values) => values switch
    {
        double[] d => (DataFrameColumn)new DoubleDataFrameColumn(name, d),
        long[] l => new Int64DataFrameColumn(name, l),
        string[] s => new StringDataFrameColumn(name, s),
        _ => throw new NotSupportedException(values.GetType().Name),
    }));

    private const string Identity = """
        def transform(df):
            return df
        """;

    private static double[] Doubles(int rows, int column)
    {
        var values = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            values[r] = r * 0.5 + column;
        }

        return values;
    }

    private static long[] Longs(int rows, int column)
    {
        var values = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            values[r] = (long)r * (column + 1);
        }

        return values;
    }

    private static string[] Strings(int rows, Random random)
    {
        var values = new string[rows];
        Span<char> text = stackalloc char[32];
        for (int r = 0; r < rows; r++)
        {
            int length = 8 + random.Next(25);
            for (int k = 0; k < length; k++)
            {
                text[k] = Alphabet[random.Next(Alphabet.Length)];
            }

            values[r] = new string(text[..length]);
        }

        return values;
    }

    private static Utf8Column ToUtf8(string[] values)
    {
        var offsets = new int[values.Length + 1];
        for (int i = 0; i < values.Length; i++)
        {
            offsets[i + 1] = offsets[i] + Encoding.UTF8.GetByteCount(values[i]);
        }

        var data = new byte[offsets[^1]];
        for (int i = 0; i < values.Length; i++)
        {
            Encoding.UTF8.GetBytes(values[i], data.AsSpan(offsets[i]));
        }

        return new Utf8Column(data, offsets);
    }

    private static Schema SchemaOf(string[] names, Array[] columns) =>
        new([.. names.Zip(columns, (name, values) => new Field(name, values switch
        {
            double[] => DoubleType.Default,
            long[] => Int64Type.Default,
            string[] => (IArrowType)StringType.Default,
            _ => throw new NotSupportedException(values.GetType().Name),
        }, values is string[]))], null);

    private static List<RecordBatch> ToBatches(Schema schema, Array[] columns)
    {
        var batches = new List<RecordBatch>();
        int rows = columns.Length == 0 ? 0 : columns[0].Length;
        for (int start = 0; start < rows; start += BatchRows)
        {
            int n = Math.Min(BatchRows, rows - start);
            batches.Add(new RecordBatch(schema, columns.Select(c => Slice(c, start, n)), n));
        }

        return batches;
    }

    private static IArrowArray Slice(Array column, int start, int length)
    {
        switch (column)
        {
            case double[] d:
                return new DoubleArray(new ArrowBuffer.Builder<double>(length).Append(d.AsSpan(start, length)).Build(), ArrowBuffer.Empty, length, 0, 0);
            case long[] l:
                return new Int64Array(new ArrowBuffer.Builder<long>(length).Append(l.AsSpan(start, length)).Build(), ArrowBuffer.Empty, length, 0, 0);
            case string[] s:
                var builder = new StringArray.Builder();
                for (int i = start; i < start + length; i++)
                {
                    builder.Append(s[i]);
                }

                return builder.Build();
            default:
                throw new NotSupportedException(column.GetType().Name);
        }
    }
}
