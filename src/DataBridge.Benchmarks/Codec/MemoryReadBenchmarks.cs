using BenchmarkDotNet.Attributes;
using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Codec;

/// <summary>
/// Reading a batch from <see cref="ReadOnlyMemory{T}"/>: zero-copy, so fixed-width columns cost the same at 1K and
/// 1M rows; utf8 costs the validation of its offsets (about 1 ns per value at most).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Codec")]
public class MemoryReadBenchmarks
{
    private byte[] _fixedWidth = null!;
    private byte[] _utf8 = null!;
    private byte[] _mixed = null!;

    [Params(1_000, 1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixedWidth = CodecPayload.ToStream(CodecPayload.FixedWidthOnly(Rows));
        _utf8 = CodecPayload.ToStream(CodecPayload.Utf8Only(Rows));
        _mixed = CodecPayload.ToStream(CodecPayload.Mixed(Rows));
    }

    [Benchmark(Description = "int64+float64+nullable int32 from memory")]
    [BenchmarkCategory("Codec", "ReadMemory")]
    public int ReadFixedWidth() => Read(_fixedWidth);

    [Benchmark(Description = "utf8 from memory")]
    [BenchmarkCategory("Codec", "ReadMemory")]
    public int ReadUtf8() => Read(_utf8);

    [Benchmark(Description = "all four columns from memory")]
    [BenchmarkCategory("Codec", "ReadMemory")]
    public int ReadMixed() => Read(_mixed);

    private static int Read(byte[] bytes)
    {
        using var reader = new ArrowIpcReader(bytes);
        using RecordBatch batch = reader.ReadNextRecordBatch()!;
        return batch.Length;
    }
}
