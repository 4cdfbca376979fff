using BenchmarkDotNet.Attributes;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// Executor mode on CPU-bound Python (a numpy-free loop per row): 8 partitions with
/// <c>parallelism: 2</c> against <c>parallelism: 1</c>. Speed-up = baseline time / benchmark time
/// (target ≥ 1.7× on 2 cores).
/// </summary>
/// <remarks>
/// Two busy workers leave no idle core, so any other activity on the machine lands on one of them: single
/// iterations scatter by ±10%. The class therefore runs 11 iterations even in the short job (a few seconds).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[WarmupCount(3)]
[IterationCount(11)]
[BenchmarkCategory("Transfer", "Scaling")]
public class ScalingBenchmarks
{
    // About a microsecond of pure-Python arithmetic per row (eight modular steps), so a partition is ~0.1 s of
    // CPU and the comparison measures how the two workers share the cores, not the fixed cost of a run.
    private const string CpuBound = """
        total = 0
        for batch in data_manager.fetch_once_as_batches():
            for v in batch.column(0).to_pylist():
                x = v
                for _ in range(8):
                    x = (x * 7919 + 12345) % 104729
                total += x
        data_manager.set_output({"total": [total]})
        """;

    private List<IEnumerable<RecordBatch>> _partitions = [];
    private PythonBridge? _bridge;

    /// <summary>Rows per partition.</summary>
    [Params(100_000)]
    public int RowsPerPartition { get; set; }

    /// <summary>Builds 8 partitions and warms two workers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var schema = new Schema([new Field("x", Int64Type.Default, false)], null);
        for (int p = 0; p < 8; p++)
        {
            var b = new Int64Array.Builder();
            for (int i = 0; i < RowsPerPartition; i++)
            {
                b.Append(i + p);
            }

            _partitions.Add([new RecordBatch(schema, [b.Build()], RowsPerPartition)]);
        }

        _bridge = TransferParameters.NewBridge(maxWorkers: 2);
        Parallel2().GetAwaiter().GetResult();
    }

    /// <summary>Stops the bridge.</summary>
    [GlobalCleanup]
    public void Cleanup() => _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One partition at a time.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> Parallel1() => Run(1);

    /// <summary>Two partitions at a time.</summary>
    [Benchmark]
    public Task<int> Parallel2() => Run(2);

    /// <summary>One call at <paramref name="parallelism"/>; <paramref name="describe"/> receives each partition's worker and timings.</summary>
    internal async Task<int> Run(int parallelism, Action<RunResult>? describe = null)
    {
        IReadOnlyList<RunResult> results = await _bridge!.MapPartitionsAsync(_partitions, CpuBound, null, parallelism).ConfigureAwait(false);
        foreach (RunResult r in results)
        {
            describe?.Invoke(r);
            r.Dispose();
        }

        return results.Count;
    }
}
