using BenchmarkDotNet.Attributes;
using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Codec;

/// <summary>
/// Reading a 1M-row batch from a <see cref="MemoryStream"/> against a plain <see cref="Stream.Read(Span{byte})"/> of
/// the same bytes into a buffer. The reader should cost at most 1.3× the plain read.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Codec")]
public class StreamReadBenchmarks
{
    private MemoryStream _stream = null!;
    private byte[] _target = null!;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] bytes = CodecPayload.ToStream(CodecPayload.Mixed(Rows));
        _stream = new MemoryStream(bytes, writable: false);
        _target = new byte[bytes.Length];
    }

    [Benchmark(Baseline = true, Description = "Stream.Read of the same bytes")]
    [BenchmarkCategory("Codec", "ReadStream")]
    public int PlainRead()
    {
        _stream.Position = 0;
        int total = 0;
        int read;
        while ((read = _stream.Read(_target, total, _target.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark(Description = "ArrowIpcReader over the MemoryStream")]
    [BenchmarkCategory("Codec", "ReadStream")]
    public int ReadStream()
    {
        _stream.Position = 0;
        using var reader = new ArrowIpcReader(_stream, leaveOpen: true);
        using RecordBatch batch = reader.ReadNextRecordBatch()!;
        return batch.Length;
    }
}
