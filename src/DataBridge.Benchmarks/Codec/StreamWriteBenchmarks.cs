using BenchmarkDotNet.Attributes;
using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Codec;

/// <summary>
/// Writing a 1M-row batch (int64, float64, nullable int32, utf8) to a pre-sized buffer, against a memcpy of
/// the same number of bytes. The writer should run at ≥ 70% of the memcpy bandwidth.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Codec")]
public class StreamWriteBenchmarks
{
    private RecordBatch _batch = null!;
    private byte[] _source = null!;
    private byte[] _target = null!;
    private MemoryStream _stream = null!;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = CodecPayload.Mixed(Rows);
        _source = CodecPayload.ToStream(_batch);
        _target = new byte[_source.Length];
        _stream = new MemoryStream(_target, writable: true);
    }

    [Benchmark(Baseline = true, Description = "memcpy of the stream's bytes")]
    [BenchmarkCategory("Codec", "Write")]
    public int MemoryCopy()
    {
        _source.AsSpan().CopyTo(_target);
        return _target.Length;
    }

    [Benchmark(Description = "ArrowIpcWriter to a pre-sized MemoryStream")]
    [BenchmarkCategory("Codec", "Write")]
    public long WriteStream()
    {
        _stream.Position = 0;
        using (var writer = new ArrowIpcWriter(_stream, _batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(_batch);
            writer.WriteEnd();
        }

        return _stream.Position;
    }
}
