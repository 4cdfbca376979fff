using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace DataBridge.Tests.Properties;

/// <summary>
/// Property-based round trips of the IPC stream codec: random schemas (nesting depth up to and beyond 3,
/// every type, dictionaries, unions), random nulls, random lengths and random slices are written and read
/// back, through a stream and from memory, in both framings, and must compare equal value by value.
/// </summary>
public class IpcRoundTripProperties
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(120);

    private static Arbitrary<SchemaAndBatches> Samples => ArrowGenerators.SchemaAndBatches().ToArbitrary();

    [Test]
    public void WriteThenReadFromStream_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            byte[] bytes = Write(sample, ArrowIpcWriterOptions.Default);
            using var reader = new ArrowIpcReader(new MemoryStream(bytes));
            AssertSameBatches(sample, reader);
        }).Check(Quick);

    [Test]
    public void WriteThenReadFromMemory_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            byte[] bytes = Write(sample, ArrowIpcWriterOptions.Default);
            using var reader = new ArrowIpcReader(new ReadOnlyMemory<byte>(bytes));
            AssertSameBatches(sample, reader);
        }).Check(Quick);

    [Test]
    public void LegacyFraming_WriteThenRead_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            byte[] bytes = Write(sample, new ArrowIpcWriterOptions { LegacyFormat = true });
            Assert.That(bytes.AsSpan(0, 4).ToArray(), Is.Not.EqualTo(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }), "legacy streams have no continuation marker");
            using (var reader = new ArrowIpcReader(new ReadOnlyMemory<byte>(bytes)))
            {
                AssertSameBatches(sample, reader);
            }

            using var streamReader = new ArrowIpcReader(new MemoryStream(bytes));
            AssertSameBatches(sample, streamReader);
        }).Check(Quick);

    [Test]
    public void WithoutDictionaryDeltas_WriteThenRead_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            byte[] bytes = Write(sample, new ArrowIpcWriterOptions { EmitDictionaryDeltas = false });
            using var reader = new ArrowIpcReader(new ReadOnlyMemory<byte>(bytes));
            AssertSameBatches(sample, reader);
        }).Check(Quick);

    [Test]
    public void ReadFromTricklingStream_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            byte[] bytes = Write(sample, ArrowIpcWriterOptions.Default);
            using var reader = new ArrowIpcReader(new TricklingStream(bytes, 7));
            AssertSameBatches(sample, reader);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));

    [Test]
    public void WriteAndReadAsync_GivesEqualBatches() =>
        Prop.ForAll(Samples, sample =>
        {
            var output = new MemoryStream();
            var writer = new ArrowIpcWriter(output, sample.Schema, null, leaveOpen: true);
            foreach (RecordBatch batch in sample.Batches)
            {
                writer.WriteRecordBatchAsync(batch).AsTask().GetAwaiter().GetResult();
            }

            writer.WriteEndAsync().AsTask().GetAwaiter().GetResult();
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            output.Position = 0;
            using var reader = new ArrowIpcReader(output);
            var read = new List<RecordBatch>();
            while (reader.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is RecordBatch batch)
            {
                read.Add(batch);
            }

            AssertEqual(sample, read);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));

    private static byte[] Write(SchemaAndBatches sample, ArrowIpcWriterOptions options)
    {
        var output = new MemoryStream();
        using (var writer = new ArrowIpcWriter(output, sample.Schema, options, leaveOpen: true))
        {
            foreach (RecordBatch batch in sample.Batches)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        return output.ToArray();
    }

    private static void AssertSameBatches(SchemaAndBatches sample, ArrowIpcReader reader)
    {
        var read = new List<RecordBatch>();
        while (reader.ReadNextRecordBatch() is RecordBatch batch)
        {
            read.Add(batch);
        }

        AssertEqual(sample, read);
    }

    private static void AssertEqual(SchemaAndBatches sample, List<RecordBatch> read)
    {
        try
        {
            Assert.That(read, Has.Count.EqualTo(sample.Batches.Length), "batch count");
            for (int b = 0; b < read.Count; b++)
            {
                Assert.That(ArrayDataComparer.FirstDifference(sample.Batches[b], read[b]), Is.Null, $"batch {b}");
            }
        }
        finally
        {
            read.ForEach(batch => batch.Dispose());
        }
    }

    /// <summary>A read-only stream that returns at most a few bytes per read, as a slow socket would.</summary>
    private sealed class TricklingStream(byte[] data, int chunk) : Stream
    {
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
            int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
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
