using Apache.Arrow.Ipc;
using BenchmarkDotNet.Attributes;
using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Codec;

/// <summary>
/// Our <see cref="ArrowIpcReader"/> against Apache.Arrow's <see cref="ArrowStreamReader"/> on a stream that cannot
/// seek and returns at most 64 KiB per read (like a socket): 16 batches × 62,500 rows of int64, float64, nullable
/// int32 and utf8 (docs/codec-performance.md). Apache.Arrow's reader is the baseline, so the ratio column reads
/// directly; the target is ≤ 0.5 for reading every batch.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Codec")]
public class ApacheReaderBenchmarks
{
    private const int Batches = 16;
    private const int RowsPerBatch = 62_500;
    private byte[] _bytes = null!;
    private byte[]? _target;

    [GlobalSetup]
    public void Setup()
    {
        RecordBatch batch = CodecPayload.Mixed(RowsPerBatch);
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, batch.Schema, leaveOpen: true))
        {
            for (int i = 0; i < Batches; i++)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        _bytes = stream.ToArray();
    }

    [Benchmark(Description = "Stream.Read of the same bytes into one buffer (the copy any stream reader makes)")]
    [BenchmarkCategory("Codec", "ApacheRead")]
    public long PlainRead()
    {
        var stream = new ChunkedStream(_bytes);
        _target ??= new byte[_bytes.Length];
        int total = 0;
        int read;
        while ((read = stream.Read(_target.AsSpan(total))) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark(Baseline = true, Description = "Apache.Arrow ArrowStreamReader(Stream), read every batch")]
    [BenchmarkCategory("Codec", "ApacheRead")]
    public long ApacheRead()
    {
        using var reader = new ArrowStreamReader(new ChunkedStream(_bytes));
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }

    [Benchmark(Description = "ArrowIpcReader(Stream), read every batch")]
    [BenchmarkCategory("Codec", "ApacheRead")]
    public long OurRead()
    {
        using var reader = new ArrowIpcReader(new ChunkedStream(_bytes));
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            rows += batch.Length;
            batch.Dispose();
        }

        return rows;
    }

    [Benchmark(Description = "Apache.Arrow ArrowStreamReader(Stream), read and sum every int64 and utf8 length")]
    [BenchmarkCategory("Codec", "ApacheReadValues")]
    public long ApacheReadValues()
    {
        using var reader = new ArrowStreamReader(new ChunkedStream(_bytes));
        long sum = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            sum += Touch(batch);
            batch.Dispose();
        }

        return sum;
    }

    [Benchmark(Description = "ArrowIpcReader(Stream), read and sum every int64 and utf8 length")]
    [BenchmarkCategory("Codec", "ApacheReadValues")]
    public long OurReadValues()
    {
        using var reader = new ArrowIpcReader(new ChunkedStream(_bytes));
        long sum = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            sum += Touch(batch);
            batch.Dispose();
        }

        return sum;
    }

    private static long Touch(RecordBatch batch)
    {
        var longs = (Int64Array)batch.Column(0);
        var strings = (StringArray)batch.Column(3);
        long sum = 0;
        for (int i = 0; i < longs.Length; i++)
        {
            sum += longs.GetValue(i) ?? 0;
            sum += strings.GetString(i)?.Length ?? 0;
        }

        return sum;
    }

    /// <summary>A read-only stream that cannot seek and returns at most 64 KiB per read.</summary>
    private sealed class ChunkedStream(byte[] data) : Stream
    {
        private const int Chunk = 64 * 1024;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, Chunk), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
