// Benchmark code runs without a synchronization context: awaiting without ConfigureAwait is what the measured caller does.
#pragma warning disable CA2007

using Apache.Arrow;
using Apache.Arrow.Ipc;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DataBridge.Parquet;

namespace DataBridge.Benchmarks.Parquet;

/// <summary>
/// Issue 14 item 4: Parquet.Net 6.1.0 (managed, CLR columns) against ParquetSharp 25.0.1.2 (Arrow C++ through
/// the C Data Interface, as <see cref="ParquetBatches"/> uses it) writing and reading the 1M-row mixed table as
/// Apache.Arrow batches, with an Arrow IPC file of the same batches as the baseline. Snappy for both. Figures:
/// docs/parquet.md.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParquetBenchmarks
{
    private List<RecordBatch> _batches = null!;
    private string _dir = null!;

    /// <summary>Rows of the table.</summary>
    [Params(1_000_000)]
    public int Rows { get; set; }

    private string IpcPath => Path.Combine(_dir, "table.arrows");

    private string SharpPath => Path.Combine(_dir, "parquetsharp.parquet");

    private string NetPath => Path.Combine(_dir, "parquetnet.parquet");

    [GlobalSetup]
    public void Setup()
    {
        _batches = ParquetPayload.Build(Rows);
        _dir = Directory.CreateTempSubdirectory("databridge-parquet-bench-").FullName;
        WriteIpc();
        WriteParquetSharp();
        WriteParquetNet();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Baseline = true, Description = "Arrow IPC write")]
    [BenchmarkCategory("Parquet", "Write")]
    public long WriteIpc()
    {
        using FileStream file = File.Create(IpcPath);
        using var writer = new ArrowStreamWriter(file, ParquetPayload.Schema);
        foreach (RecordBatch batch in _batches)
        {
            writer.WriteRecordBatch(batch);
        }

        writer.WriteEnd();
        return file.Length;
    }

    [Benchmark(Description = "ParquetSharp write (ParquetBatches)")]
    [BenchmarkCategory("Parquet", "Write")]
    public long WriteParquetSharp() => ParquetBatches.WriteAsync(SharpPath, ParquetPayload.Schema, _batches).GetAwaiter().GetResult();

    [Benchmark(Description = "Parquet.Net write")]
    [BenchmarkCategory("Parquet", "Write")]
    public long WriteParquetNet()
    {
        ParquetNetCodec.WriteAsync(NetPath, _batches).GetAwaiter().GetResult();
        return new FileInfo(NetPath).Length;
    }

    [Benchmark(Baseline = true, Description = "Arrow IPC read")]
    [BenchmarkCategory("Parquet", "Read")]
    public long ReadIpc()
    {
        using FileStream file = File.OpenRead(IpcPath);
        using var reader = new ArrowStreamReader(file);
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }

    [Benchmark(Description = "ParquetSharp read (ParquetBatches)")]
    [BenchmarkCategory("Parquet", "Read")]
    public long ReadParquetSharp() => ReadParquetSharpAsync().GetAwaiter().GetResult();

    [Benchmark(Description = "Parquet.Net read")]
    [BenchmarkCategory("Parquet", "Read")]
    public long ReadParquetNet() => ParquetNetCodec.ReadAsync(NetPath).GetAwaiter().GetResult();

    private async Task<long> ReadParquetSharpAsync()
    {
        long rows = 0;
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync(SharpPath))
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }
}
