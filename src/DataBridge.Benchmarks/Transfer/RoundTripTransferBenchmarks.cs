using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// .NET → pandas → .NET with an identity transform, against the CSV pipe users build without DataBridge
/// (CSV to a Python process's stdin, pandas <c>read_csv</c>, <c>to_csv</c> back, parsed in .NET).
/// Speed-up = baseline time / benchmark time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RoundTripTransferBenchmarks
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once())";

    private List<RecordBatch> _numeric = [];
    private List<RecordBatch> _mixed = [];
    private PythonPeer? _csv;
    private PythonBridge? _bridge;

    /// <summary>Rows per scenario.</summary>
    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    /// <summary>The row counts.</summary>
    public static IEnumerable<int> RowCounts => TransferParameters.Rows;

    /// <summary>Builds the payloads, starts the CSV peer and a warm bridge.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _numeric = TransferData.Numeric(Rows);
        _mixed = TransferData.Mixed(Rows);
        _csv = PythonPeer.StartCsvPipe();
        _bridge = TransferParameters.NewBridge();
        if (ArrowNumeric().GetAwaiter().GetResult() != Rows || CsvPipeNumeric() != Rows)
        {
            throw new InvalidOperationException("a round trip lost rows");
        }
    }

    /// <summary>Stops the processes.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _csv?.Dispose();
        _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The numeric columns through the CSV pipe.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "RoundTripNumeric")]
    public long CsvPipeNumeric() => CsvRoundTrip(_numeric);

    /// <summary>The numeric columns through DataBridge (pandas identity).</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "RoundTripNumeric")]
    public async Task<long> ArrowNumeric()
    {
        using RunResult result = await _bridge!.RunAsync(_numeric, Identity).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>The mixed columns through the CSV pipe.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "RoundTripMixed")]
    public long CsvPipeMixed() => CsvRoundTrip(_mixed);

    /// <summary>The mixed columns through DataBridge (pandas identity).</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "RoundTripMixed")]
    public async Task<long> ArrowMixed()
    {
        using RunResult result = await _bridge!.RunAsync(_mixed, Identity).ConfigureAwait(false);
        return result.RowCount;
    }

    private long CsvRoundTrip(List<RecordBatch> batches)
    {
        byte[] back = _csv!.CsvRoundTrip(CsvBaseline.Write(batches));
        return CsvBaseline.Parse(back, batches[0].Schema, TransferData.BatchRows).Sum(b => (long)b.Length);
    }
}
