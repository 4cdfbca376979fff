using System.Buffers.Binary;
using System.Text;
using Apache.Arrow.Compression;
using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tests.Support;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

/// <summary>
/// What the codec does since it speaks Apache.Arrow: the newer types, compressed bodies, the file format, batch
/// metadata, the decompression limit, and agreement with Apache.Arrow's own reader.
/// </summary>
public class NewerFeaturesTests
{
    private static readonly IArrowType[] NewerTypes =
    [
        StringViewType.Default, BinaryViewType.Default, new Decimal32Type(9, 2), new Decimal64Type(18, 3),
        new ListViewType(StringType.Default), new LargeListViewType(Int32Type.Default),
        new RunEndEncodedType(Int32Type.Default, StringType.Default), new RunEndEncodedType(Int16Type.Default, DoubleType.Default),
        new RunEndEncodedType(Int64Type.Default, new ListType(Int8Type.Default)),
    ];

    private static RecordBatch NewerTypesBatch(int seed, int length = 30)
    {
        var random = new Random(seed);
        IArrowArray[] columns = [.. NewerTypes.Select(t => ArrowGenerators.RandomArray(t, length, random))];
        var schema = new Schema(NewerTypes.Select((t, i) => new Field("c" + i, t, true)), null);
        return new RecordBatch(schema, columns, length);
    }

    [Test]
    public void RoundTrip_ViewsListViewsRunEndEncodedDecimal32And64_ReadBackEqual()
    {
        RecordBatch batch = NewerTypesBatch(1);
        RecordBatch slice = ArrowGenerators.Slice(batch, 7, 11);
        byte[] bytes = Write(batch.Schema, [batch, slice]);
        AssertSameBatches([batch, slice], ReadAll(bytes, out Schema schema));
        AssertSameBatches([batch, slice], ReadAllFromStream(bytes));
        Assert.That(ArrowTypeEquality.Equal(schema, batch.Schema), Is.True);
    }

    [TestCase(ArrowIpcCompression.Lz4Frame)]
    [TestCase(ArrowIpcCompression.Zstd)]
    public void Compression_WriteThenRead_GivesEqualBatchesAndSmallerBodies(ArrowIpcCompression compression)
    {
        RecordBatch batch = Batch(("i", Int64([.. Enumerable.Range(0, 4000).Select(i => (long?)(i % 7))])), ("s", Utf8([.. Enumerable.Range(0, 4000).Select(i => "value " + (i % 3))])));
        byte[] plain = Write(batch.Schema, [batch]);
        byte[] compressed = Write(batch.Schema, [batch], new ArrowIpcWriterOptions { Compression = compression });
        Assert.That(compressed.Length, Is.LessThan(plain.Length / 2));
        AssertSameBatches([batch], ReadAll(compressed, out _));
        AssertSameBatches([batch], ReadAllFromStream(compressed));

        // Apache.Arrow's reader (with its codecs) reads what we compressed.
        using var apache = new Apache.Arrow.Ipc.ArrowStreamReader(new MemoryStream(compressed), new CompressionCodecFactory());
        Assert.That(ArrayDataComparer.FirstDifference(batch, apache.ReadNextRecordBatch()), Is.Null);
    }

    [Test]
    public void Compression_DeclaredSizeBeyondMaxDecompressedBodySize_IsRefused()
    {
        RecordBatch batch = Batch(("i", Int64([.. Enumerable.Range(0, 10_000).Select(_ => (long?)0)])));
        byte[] bytes = Write(batch.Schema, [batch], new ArrowIpcWriterOptions { Compression = ArrowIpcCompression.Lz4Frame });
        var options = new ArrowIpcReaderOptions { MaxDecompressedBodySize = 4096 };
        Assert.Multiple(() =>
        {
            Assert.That(() => { using var r = new ArrowIpcReader(bytes, options); r.ReadRecordBatches().ToList(); }, Throws.InstanceOf<ArrowFormatException>());
            Assert.That(() => { using var r = new ArrowIpcReader(new NonSeekableStream(bytes), options); r.ReadRecordBatches().ToList(); }, Throws.InstanceOf<ArrowFormatException>());
        });
    }

    [TestCase("versions/2.0.0-compression/generated_lz4.stream")]
    [TestCase("versions/2.0.0-compression/generated_zstd.stream")]
    public void GoldCompressed_ReadsLikeApacheArrow(string gold)
    {
        string path = Path.Combine(SharedInterop.Root, "gold", gold);
        Assert.That(CompareWithApache(File.ReadAllBytes(path)), Is.Null);
    }

    [Test]
    public void GoldStreams_EveryLittleEndianStream_ReadsLikeApacheArrowsReader()
    {
        var failures = new List<string>();
        int compared = 0;
        foreach (string path in SharedInterop.GoldStreams().Where(p => !p.Contains("bigendian", StringComparison.Ordinal)))
        {
            string? difference = CompareWithApache(File.ReadAllBytes(path));
            if (difference is not null)
            {
                failures.Add($"{Path.GetFileName(path)}: {difference}");
            }

            compared++;
        }

        Assert.That(failures, Is.Empty);
        Assert.That(compared, Is.GreaterThan(50));
    }

    [Test]
    public void FileFormat_WriteThenRead_OursAndApacheArrowsFileReader()
    {
        RecordBatch batch = NewerTypesBatch(2, 12);
        RecordBatch plain = Batch(("i", Int32(1, null, 3)), ("s", Utf8("a", "ü", null)));
        foreach (RecordBatch b in new[] { batch, plain })
        {
            byte[] bytes = Write(b.Schema, [b, b], new ArrowIpcWriterOptions { FileFormat = true });
            Assert.That(Encoding.ASCII.GetString(bytes, 0, 6), Is.EqualTo("ARROW1"));
            using (var reader = new ArrowIpcReader(bytes))
            {
                AssertSameBatches([b, b], [.. reader.ReadRecordBatches()]);
                Assert.That(reader.IsFileFormat, Is.True);
            }

            AssertSameBatches([b, b], ReadAllFromStream(bytes));
        }

        // Apache.Arrow's file reader reads our file (the plain batch: its 23.0 reader is what is measured here).
        byte[] ours = Write(plain.Schema, [plain], new ArrowIpcWriterOptions { FileFormat = true });
        using var apache = new Apache.Arrow.Ipc.ArrowFileReader(new MemoryStream(ours));
        Assert.That(apache.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult(), Is.EqualTo(1));
        Assert.That(ArrayDataComparer.FirstDifference(plain, apache.ReadNextRecordBatch()), Is.Null);
    }

    [Test]
    public void FileFormat_ApacheArrowsFileWriterOutput_IsReadByOurReader()
    {
        RecordBatch batch = Batch(("i", Int64(1, null, 3)), ("s", Utf8("x", null, "zz")), ("b", Bool(true, false, null)));
        using var stream = new MemoryStream();
        using (var writer = new Apache.Arrow.Ipc.ArrowFileWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        byte[] bytes = stream.ToArray();
        using var reader = new ArrowIpcReader(bytes);
        AssertSameBatches([batch, batch], [.. reader.ReadRecordBatches()]);
        Assert.That(reader.IsFileFormat, Is.True);
        AssertSameBatches([batch, batch], ReadAllFromStream(bytes));
    }

    [Test]
    public void BatchCustomMetadata_WriterToReaderLastBatchMetadata()
    {
        RecordBatch batch = Batch(("i", Int32(1, 2)));
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch, [new("partition", "7"), new("ü", "名")]);
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        using var reader = new ArrowIpcReader(stream.ToArray());
        Assert.That(reader.ReadNextRecordBatch(), Is.Not.Null);
        Assert.That(reader.LastBatchMetadata, Is.EqualTo(new KeyValuePair<string, string>[] { new("partition", "7"), new("ü", "名") }));
        Assert.That(reader.ReadNextRecordBatch(), Is.Not.Null);
        Assert.That(reader.LastBatchMetadata, Is.Empty);
    }

    [Test]
    public void DictionaryDeltaThenReplacement_RoundTrip()
    {
        var type = new DictionaryType(Int16Type.Default, StringType.Default, false);
        var schema = new Schema([new Field("d", type, true)], null);
        RecordBatch b1 = FromData(schema, [Dictionary(type, Utf8("a", "b"), 0, 1)], 2);
        RecordBatch b2 = FromData(schema, [Dictionary(type, Utf8("a", "b", "c"), 2, 0)], 2); // delta
        RecordBatch b3 = FromData(schema, [Dictionary(type, Utf8("z"), 0, null)], 2); // replacement
        byte[] bytes = Write(schema, [b1, b2, b3]);
        AssertSameBatches([b1, b2, b3], ReadAll(bytes, out _));
        AssertSameBatches([b1, b2, b3], ReadAllFromStream(bytes));
    }

    [Test]
    public void HostileStringView_OutOfLineViewPastItsBuffer_ThrowsArrowFormatException()
    {
        var views = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(views, 20);
        "abcd"u8.CopyTo(views.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(8), 0);
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(12), 1000);
        var data = new ArrayData(StringViewType.Default, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(views), new ArrowBuffer(new byte[24])]);
        AssertHostileRefused(data);
    }

    [Test]
    public void HostileBinaryView_UnknownDataBuffer_ThrowsArrowFormatException()
    {
        var views = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(views, 16);
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(8), 3);
        var data = new ArrayData(BinaryViewType.Default, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(views), new ArrowBuffer(new byte[16])]);
        AssertHostileRefused(data);
    }

    [TestCase(0, 9)]
    [TestCase(1, 3)]
    [TestCase(2, -1)]
    public void HostileListView_OffsetOrSizeOutsideChild_ThrowsArrowFormatException(int offset, int size)
    {
        var data = new ArrayData(new ListViewType(Int32Type.Default), 1, 0, 0, [ArrowBuffer.Empty, BufferOf<int>([offset]), BufferOf<int>([size])], [Int32(1, 2, 3)]);
        AssertHostileRefused(data);
    }

    [TestCase(new[] { 2, 1 })]
    [TestCase(new[] { 0, 3 })]
    [TestCase(new[] { 1, 2 })]
    public void HostileRunEnds_NotIncreasingOrNotCoveringLength_ThrowsArrowFormatException(int[] ends)
    {
        var runEnds = new ArrayData(Int32Type.Default, ends.Length, 0, 0, [ArrowBuffer.Empty, BufferOf<int>(ends)]);
        var data = new ArrayData(new RunEndEncodedType(Int32Type.Default, Int64Type.Default), 3, 0, 0, System.Array.Empty<ArrowBuffer>(), [runEnds, Int64(5, 6)]);
        AssertHostileRefused(data);
    }

    /// <summary>Writes <paramref name="data"/> with Apache.Arrow's writer (which checks nothing) and expects our reader to refuse it.</summary>
    private static void AssertHostileRefused(ArrayData data)
    {
        var schema = new Schema([new Field("h", data.DataType, true)], null);
        using var batch = new RecordBatch(schema, [ArrowArrayFactory.BuildArray(data)], data.Length);
        using var stream = new MemoryStream();
        using (var writer = new Apache.Arrow.Ipc.ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        byte[] bytes = stream.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(() => ReadAll(bytes, out _), Throws.InstanceOf<ArrowFormatException>());
            Assert.That(() => ReadAllFromStream(bytes), Throws.InstanceOf<ArrowFormatException>());
        });
    }

    /// <summary>Null when our reader and Apache.Arrow's (with its compression codecs) read the same schema and batches; else the first difference.</summary>
    private static string? CompareWithApache(byte[] bytes)
    {
        using var ours = new ArrowIpcReader(bytes);
        using var apache = new Apache.Arrow.Ipc.ArrowStreamReader(new MemoryStream(bytes), new CompressionCodecFactory());
        if (!ArrowTypeEquality.SameColumns(ours.Schema, apache.Schema))
        {
            return "schema differs: " + ArrowTypeText.Of(ours.Schema) + " vs " + ArrowTypeText.Of(apache.Schema);
        }

        for (int i = 0; i < 10_000; i++)
        {
            RecordBatch? a = ours.ReadNextRecordBatch();
            RecordBatch? b = apache.ReadNextRecordBatch();
            if (a is null || b is null)
            {
                return a is null && b is null ? null : $"batch {i}: one reader ended first";
            }

            string? difference = ArrayDataComparer.FirstDifference(b, a);
            if (difference is not null)
            {
                return $"batch {i}: {difference}";
            }
        }

        return "more than 10000 batches";
    }
}
