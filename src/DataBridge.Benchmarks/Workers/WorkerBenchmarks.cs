using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace DataBridge.Benchmarks.Workers;

/// <summary>
/// Latency of Python runs (issue 4, acceptance 8): a warm run (1 row in, 1 row out) on a reused worker, the
/// first run of a freshly forked worker through the warm daemon, against a cold <c>python3 -c "import pandas"</c>
/// process measured in the same run as the baseline. Warm runs go back to back, so each includes the worker's
/// release of the run before it (docs/protocol.md, 2.5: the next PING is answered only after it):
/// <see cref="WarmRun"/> after a trivial run, <see cref="WarmRunAfterRunLeavingGarbage"/> after one that left a
/// 10,000-entry dict in a reference cycle, which the release has to collect.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[BenchmarkCategory("Workers")]
public class WorkerBenchmarks
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once_as_batches())";

    // The identity run, leaving globals tied into a cycle by a function: the release must collect them.
    private const string IdentityLeavingGarbage = """
        table = {i: str(i) for i in range(10_000)}
        def lookup(i):
            return table[i]
        data_manager.set_output(data_manager.fetch_once_as_batches())
        """;

    private readonly string _python = Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
    private PythonBridge _reused = null!;
    private PythonBridge _fresh = null!;
    private RecordBatch[] _oneRow = null!;

    [GlobalSetup]
    public void Setup()
    {
        var values = new Int64Array.Builder();
        values.Append(42);
        _oneRow = [new RecordBatch(new Schema([new Field("x", Int64Type.Default, true)], null), [values.Build()], 1)];
        _reused = new PythonBridge(new PythonBridgeOptions { PythonExecutable = _python, MaxWorkers = 1 });

        // Every run on this bridge forks a new worker: the daemon stays warm, workers are never reused.
        _fresh = new PythonBridge(new PythonBridgeOptions { PythonExecutable = _python, MaxWorkers = 1, ReuseWorkers = false });
        WarmRun().GetAwaiter().GetResult();
        FirstRunOfNewWorker().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reused.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fresh.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The reference: starting an interpreter and importing pandas, as a worker without a daemon would.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Workers")]
    public int ColdPythonImportPandas()
    {
        var psi = new ProcessStartInfo(_python) { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import pandas");
        using Process process = Process.Start(psi)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>One row in, one row out, on a reused worker.</summary>
    [Benchmark]
    [BenchmarkCategory("Workers")]
    public async Task<long> WarmRun()
    {
        using RunResult result = await _reused.RunAsync(_oneRow, Identity).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>One row in, one row out, on a reused worker, each run leaving garbage for the release before the next.</summary>
    [Benchmark]
    [BenchmarkCategory("Workers")]
    public async Task<long> WarmRunAfterRunLeavingGarbage()
    {
        using RunResult result = await _reused.RunAsync(_oneRow, IdentityLeavingGarbage).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>The same run on a worker forked for it by the warm daemon (connect, handshake, code sent, exit).</summary>
    [Benchmark]
    [BenchmarkCategory("Workers")]
    public async Task<long> FirstRunOfNewWorker()
    {
        using RunResult result = await _fresh.RunAsync(_oneRow, Identity).ConfigureAwait(false);
        return result.RowCount;
    }
}
