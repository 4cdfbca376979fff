using BenchmarkDotNet.Attributes;

namespace DataBridge.Benchmarks.Workers;

/// <summary>
/// Issue 15 item 3: the small-call latency of the two worker transports, in one run — a warm run of 1 row in and
/// 1 row out, a run of code that reads nothing and returns one row, and the first run of a newly forked worker
/// (connect, handshake, code sent), over a Unix-domain socket and over TCP on 127.0.0.1. The TCP rows are the
/// baseline of each group: <c>--filter '*TransportLatency*'</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[BenchmarkCategory("Workers")]
public class TransportLatencyBenchmarks
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once_as_batches())";
    private const string NoInput = "data_manager.set_output({'x': [1]})";

    private readonly string _python = Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
    private PythonBridge _reused = null!;
    private PythonBridge _fresh = null!;
    private RecordBatch[] _oneRow = null!;

    /// <summary>The transport under test.</summary>
    [Params(WorkerTransport.Tcp, WorkerTransport.UnixSocket)]
    public WorkerTransport Transport { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var values = new Int64Array.Builder();
        values.Append(42);
        _oneRow = [new RecordBatch(new Schema([new Field("x", Int64Type.Default, true)], null), [values.Build()], 1)];
        _reused = new PythonBridge(new PythonBridgeOptions { PythonExecutable = _python, MaxWorkers = 1, WorkerTransport = Transport });
        _fresh = new PythonBridge(new PythonBridgeOptions { PythonExecutable = _python, MaxWorkers = 1, ReuseWorkers = false, WorkerTransport = Transport });
        WarmOneRowRoundTrip().GetAwaiter().GetResult();
        FirstRunOfNewWorker().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reused.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fresh.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>One row in, one row out, on a reused worker.</summary>
    [Benchmark]
    public async Task<long> WarmOneRowRoundTrip()
    {
        using RunResult result = await _reused.RunAsync(_oneRow, Identity).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>No input; one row out, on a reused worker.</summary>
    [Benchmark]
    public async Task<long> WarmNoInputOneRowOut()
    {
        using RunResult result = await _reused.RunAsync(Array.Empty<RecordBatch>(), NoInput).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>The identity run on a worker forked for it.</summary>
    [Benchmark]
    public async Task<long> FirstRunOfNewWorker()
    {
        using RunResult result = await _fresh.RunAsync(_oneRow, Identity).ConfigureAwait(false);
        return result.RowCount;
    }
}
