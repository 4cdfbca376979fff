using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// One-way transfers against the socket limit: .NET → pandas (Python reduces to a row count) and
/// pandas → .NET (Python hands over a frame it holds), each compared with the same number of bytes
/// moved over a loopback socket by a Python process that only <c>recv_into</c>s / sends one buffer.
/// Throughput ratio = baseline time / benchmark time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OneWayTransferBenchmarks
{
    private const string CountRows = """
        n = 0
        for df in data_manager.fetch_once():
            n += len(df)
        data_manager.set_output({"n": [n]})
        """;

    // The frame is built once per worker and cached, so the transfer (not numpy's arange) is measured.
    private const string GenerateRows = """
        import numpy as np, pandas as pd
        import data_manager as dm_module
        n = int(data_manager.conf["ROWS"])
        cache = dm_module.__dict__.setdefault("_bench_frames", {})
        if n not in cache:
            idx = np.arange(n, dtype="int64")
            cols = {}
            for c in range(4):
                values = idx * (c + 1)
                cols[f"i{c}"] = pd.arrays.IntegerArray(values, (idx % 10 == 3)) if c >= 2 else values
            for c in range(4):
                values = idx * 0.5 + c
                if c >= 2:
                    values = np.where(idx % 10 == 7, np.nan, values)
                cols[f"f{c}"] = values
            cache.clear()
            cache[n] = pd.DataFrame(cols)
        data_manager.noops_fetch()
        data_manager.set_output(cache[n])
        """;

    // One object column of str, 8–32 ASCII characters (the mean of the .NET payload's utf8 column), built once per worker.
    private const string GenerateStrings = """
        import random
        import pandas as pd
        import data_manager as dm_module
        n = int(data_manager.conf["ROWS"])
        cache = dm_module.__dict__.setdefault("_bench_strings", {})
        if n not in cache:
            rnd = random.Random(42)
            alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            pool = ["".join(rnd.choice(alphabet) for _ in range(32)) for _ in range(997)]
            values = [pool[i % 997][: 8 + (i * 7) % 25] for i in range(n)]
            cache.clear()
            cache[n] = pd.DataFrame({"s0": pd.Series(values, dtype=object)})
        data_manager.noops_fetch()
        data_manager.set_output(cache[n])
        """;

    private List<RecordBatch> _numeric = [];
    private List<RecordBatch> _strings = [];
    private byte[] _numericBytes = [];
    private byte[] _stringBytes = [];
    private PythonPeer? _peer;
    private PythonBridge? _bridge;
    private RunContext _context = new();

    /// <summary>Rows per scenario.</summary>
    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    /// <summary>The row counts.</summary>
    public static IEnumerable<int> RowCounts => TransferParameters.Rows;

    /// <summary>Builds the payloads, starts the socket peer and a warm bridge.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _numeric = TransferData.Numeric(Rows);
        _numericBytes = new byte[TransferData.ArrowStreamBytes(_numeric)];
        _strings = [.. TransferData.Mixed(Rows).Select(b => new RecordBatch(new Schema([b.Schema.FieldsList[8]], null), [b.Column(8)], b.Length))];
        _stringBytes = new byte[TransferData.ArrowStreamBytes(_strings)];
        _peer = PythonPeer.StartSocketLimit();
        _bridge = TransferParameters.NewBridge();
        _context = new RunContext { ["ROWS"] = Rows.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Verify(_numeric, "numeric");
        Verify(_strings, "utf8");
        if (NumericFromPandas().GetAwaiter().GetResult() != Rows || StringsFromPandas().GetAwaiter().GetResult() != Rows)
        {
            throw new InvalidOperationException("a transfer from pandas lost rows");
        }
    }

    // The worker must have seen every row (the benchmark itself only returns the one-row reply).
    private void Verify(List<RecordBatch> input, string what)
    {
        using RunResult result = _bridge!.RunAsync(input, CountRows).GetAwaiter().GetResult();
        long seen = ((Int64Array)result.Batches[0].Column(0)).GetValue(0) ?? -1;
        if (seen != Rows)
        {
            throw new InvalidOperationException($"the worker counted {seen} {what} rows of {Rows}");
        }
    }

    /// <summary>Stops the processes.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _peer?.Dispose();
        _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The socket limit, .NET → Python, for the numeric stream's bytes.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "NumericToPython")]
    public long SocketLimitToPython() => _peer!.SendToPython(_numericBytes);

    /// <summary>The numeric columns into pandas DataFrames; Python replies with the row count.</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "NumericToPython")]
    public async Task<long> NumericToPandas()
    {
        using RunResult result = await _bridge!.RunAsync(_numeric, CountRows).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>The socket limit, Python → .NET, for the numeric stream's bytes.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "NumericFromPython")]
    public int SocketLimitFromPython()
    {
        _peer!.ReceiveFromPython(_numericBytes);
        return _numericBytes.Length;
    }

    /// <summary>A pandas DataFrame of the numeric columns into .NET record batches.</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "NumericFromPython")]
    public async Task<long> NumericFromPandas()
    {
        using RunResult result = await _bridge!.RunAsync(Array.Empty<RecordBatch>(), GenerateRows, _context).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>
    /// The same frame consumed batch by batch (<see cref="PythonBridge.RunStreamingAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>),
    /// each batch disposed once counted: its pooled body is reused by the next, as the baseline reuses its buffer.
    /// </summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "NumericFromPython")]
    public async Task<long> NumericFromPandasStreamed()
    {
        long rows = 0;
        await foreach (RecordBatch batch in _bridge!.RunStreamingAsync(Array.Empty<RecordBatch>(), GenerateRows, _context).ConfigureAwait(false))
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }

    /// <summary>The socket limit for one utf8 column's stream bytes.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "StringsToPython")]
    public long SocketLimitStrings() => _peer!.SendToPython(_stringBytes);

    /// <summary>One utf8 column (8–32 chars) into pandas <c>object</c> columns of str; strings/s = Rows / time.</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "StringsToPython")]
    public async Task<long> StringsToPandas()
    {
        using RunResult result = await _bridge!.RunAsync(_strings, CountRows).ConfigureAwait(false);
        return result.RowCount;
    }

    /// <summary>The socket limit, Python → .NET, for one utf8 column's stream bytes.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Transfer", "StringsFromPython")]
    public int SocketLimitStringsFromPython()
    {
        _peer!.ReceiveFromPython(_stringBytes);
        return _stringBytes.Length;
    }

    /// <summary>A pandas <c>object</c> column of str (8–32 chars) into .NET utf8 arrays; strings/s = Rows / time.</summary>
    [Benchmark]
    [BenchmarkCategory("Transfer", "StringsFromPython")]
    public async Task<long> StringsFromPandas()
    {
        using RunResult result = await _bridge!.RunAsync(Array.Empty<RecordBatch>(), GenerateStrings, _context).ConfigureAwait(false);
        return result.RowCount;
    }
}
