using DataBridge.Parquet;
using DataBridge.Tests.Ipc;
using ParquetSharp;

namespace DataBridge.Tests.Parquet;

public class ParquetStreamingTests
{
    private const int RowGroups = 16;
    private const int RowGroupRows = 16_384;

    private ParquetTestFiles _files = null!;
    private string _manyGroups = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _files = new ParquetTestFiles();
        _manyGroups = _files.NewPath("many-groups");
        await ParquetBatches.WriteAsync(_manyGroups, Wide(0).Schema, Source(RowGroups * 4), new ParquetWriteOptions { RowGroupRows = RowGroupRows, Compression = ParquetCompression.Zstd });
    }

    [OneTimeTearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void WriteAsync_AsyncSourceOfSmallBatches_CutsRowGroupsOfRowGroupRows()
    {
        using var file = new ParquetFileReader(_manyGroups);
        Assert.That(file.FileMetaData.NumRowGroups, Is.EqualTo(RowGroups));
        Assert.That(file.FileMetaData.NumRows, Is.EqualTo(RowGroups * RowGroupRows));
        for (int g = 0; g < RowGroups; g++)
        {
            using RowGroupReader group = file.RowGroup(g);
            Assert.That(group.MetaData.NumRows, Is.EqualTo(RowGroupRows), $"row group {g}");
        }
    }

    [Test]
    public async Task ReadAsync_ManyRowGroups_HoldsOneRowGroupAtATimeByTheNativePoolsAccounting()
    {
        MemoryPool pool = MemoryPool.GetDefaultMemoryPool();
        long baseline = pool.BytesAllocated;
        long peak = 0;
        long rows = 0;
        int batches = 0;
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync(_manyGroups))
        {
            peak = Math.Max(peak, pool.BytesAllocated - baseline);
            Assert.That(((Int64Array)batch.Column("id")).GetValue(0), Is.EqualTo(rows), "batches in file order");
            rows += batch.Length;
            batches++;
            batch.Dispose();
        }

        Assert.That(rows, Is.EqualTo(RowGroups * RowGroupRows));
        Assert.That(batches, Is.EqualTo(RowGroups), "one batch per row group (the row group is shorter than MaxRowsPerBatch)");

        // The same file held whole: every batch kept alive.
        var kept = new List<RecordBatch>();
        long before = pool.BytesAllocated;
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync(_manyGroups))
        {
            kept.Add(batch);
        }

        long whole = pool.BytesAllocated - before;
        kept.ForEach(b => b.Dispose());
        TestContext.Out.WriteLine($"native pool: peak {peak:N0} B while streaming {RowGroups} row groups, {whole:N0} B for the whole file held");
        Assert.That(whole, Is.GreaterThan(0), "the batches live in the native pool");
        // One row group decoded is whole / 16; the reader's peak adds that row group's column chunks and decode
        // buffers (measured: about 3.6 row groups' worth), and does not grow with the file.
        Assert.That(peak, Is.LessThan(whole / 3), "streaming holds one row group's data and buffers, not the file's");
        Assert.That(pool.BytesAllocated - baseline, Is.LessThan(whole / RowGroups), "disposing the batches gives the memory back");

        // A file of four times the row groups streams within the same peak.
        string bigger = _files.NewPath("four-times");
        await ParquetBatches.WriteAsync(bigger, Wide(0).Schema, Source(RowGroups * 16), new ParquetWriteOptions { RowGroupRows = RowGroupRows, Compression = ParquetCompression.Zstd });
        long biggerPeak = 0;
        long biggerRows = 0;
        baseline = pool.BytesAllocated;
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync(bigger))
        {
            biggerPeak = Math.Max(biggerPeak, pool.BytesAllocated - baseline);
            biggerRows += batch.Length;
            batch.Dispose();
        }

        TestContext.Out.WriteLine($"native pool: peak {biggerPeak:N0} B while streaming {RowGroups * 4} row groups");
        Assert.That(biggerRows, Is.EqualTo(RowGroups * 4 * RowGroupRows));
        Assert.That(biggerPeak, Is.LessThan(peak + (whole / RowGroups)), "the peak does not grow with the number of row groups");
    }

    [Test]
    public async Task ReadAsync_MaxRowsPerBatch_SplitsRowGroupsAndNeverSpansTwo()
    {
        List<RecordBatch> read = await ParquetRoundTripTests.ReadAll(_manyGroups, new ParquetReadOptions { MaxRowsPerBatch = 10_000 });

        Assert.That(read, Has.Count.EqualTo(RowGroups * 2));
        Assert.That(read.Select(b => b.Length), Is.EqualTo(Enumerable.Repeat(new[] { 10_000, RowGroupRows - 10_000 }, RowGroups).SelectMany(x => x)));
        read.ForEach(b => b.Dispose());
    }

    [Test]
    public async Task ReadAsync_ColumnSelection_ReadsOnlyThoseColumnsInFileOrder()
    {
        List<RecordBatch> read = await ParquetRoundTripTests.ReadAll(_manyGroups, new ParquetReadOptions { Columns = ["point", "id"] });

        Assert.That(read[0].Schema.FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "id", "point" }));
        Assert.That(read[0].Column("point"), Is.InstanceOf<StructArray>(), "a struct column (two Parquet leaves) is selected whole");
        Assert.That(read.Sum(b => b.Length), Is.EqualTo(RowGroups * RowGroupRows));
        Assert.That(ParquetBatches.ReadSchema(_manyGroups).FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "id", "value", "name", "point" }));
        read.ForEach(b => b.Dispose());
    }

    [Test]
    public async Task ReadFrameAsync_FileWithoutRows_GivesTheSchemaAndNoRows()
    {
        string path = _files.NewPath();
        Schema schema = Wide(0).Schema;

        long rows = await ParquetBatches.WriteAsync(path, schema, AsyncBatches([]));
        ArrowFrame frame = await ParquetBatches.ReadFrameAsync(path);

        Assert.That(rows, Is.Zero);
        Assert.That(frame.RowCount, Is.Zero);
        Assert.That(frame.Columns, Is.EqualTo(new[] { "id", "value", "name", "point" }));
    }

    [Test]
    public async Task WriteAsync_SchemaFromTheFirstBatch_WritesEveryBatchAndAnEmptySourceThrowsWritingNothing()
    {
        string path = _files.NewPath();
        string empty = _files.NewPath("empty");

        long rows = await ParquetBatches.WriteAsync(path, AsyncBatches([Wide(0, 5), Wide(5, 7)]));

        Assert.That(rows, Is.EqualTo(12));
        Assert.That((await ParquetBatches.ReadFrameAsync(path)).Column<long>("id").ToArray(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => (long)i)));
        var e = Assert.ThrowsAsync<ArgumentException>(async () => await ParquetBatches.WriteAsync(empty, AsyncBatches([])))!;
        Assert.That(e.Message, Does.Contain(empty).And.Contain("no batch"));
        Assert.That(File.Exists(empty), Is.False);
    }

    [TestCase(ParquetCompression.None)]
    [TestCase(ParquetCompression.Snappy)]
    [TestCase(ParquetCompression.Gzip)]
    [TestCase(ParquetCompression.Brotli)]
    [TestCase(ParquetCompression.Lz4)]
    [TestCase(ParquetCompression.Zstd)]
    public async Task WriteAsync_EachCompression_ReadsBackTheSameRows(ParquetCompression compression)
    {
        string path = _files.NewPath();
        RecordBatch batch = Wide(0, 1000);

        await ParquetBatches.WriteAsync(path, batch.Schema, [batch], new ParquetWriteOptions { Compression = compression });
        List<RecordBatch> read = await ParquetRoundTripTests.ReadAll(path);

        Assert.That(Support.ArrayDataComparer.FirstDifference(batch, read.Single()), Is.Null);
    }

    [Test]
    public async Task WriteAsync_CancelledMidway_ThrowsAndDeletesThePartialFile()
    {
        string path = _files.NewPath();
        using var cts = new CancellationTokenSource();

        async IAsyncEnumerable<RecordBatch> CancelAfterTwo()
        {
            for (int i = 0; i < 10; i++)
            {
                if (i == 2)
                {
                    await cts.CancelAsync();
                }

                yield return Wide(i * 100, 100);
            }
        }

        Assert.That(async () => await ParquetBatches.WriteAsync(path, Wide(0).Schema, CancelAfterTwo(), cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public async Task ReadAsync_Cancelled_StopsBetweenBatches()
    {
        using var cts = new CancellationTokenSource();
        int seen = 0;

        Assert.That(
            async () =>
            {
                await foreach (RecordBatch batch in ParquetBatches.ReadAsync(_manyGroups, cancellationToken: cts.Token))
                {
                    seen++;
                    batch.Dispose();
                    await cts.CancelAsync();
                }
            },
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(seen, Is.EqualTo(1));
    }

    /// <summary>int64 id (from <paramref name="start"/>), float64 with nulls, utf8, struct&lt;x, y&gt;.</summary>
    internal static RecordBatch Wide(int start, int length = 0)
    {
        var ids = Enumerable.Range(start, length).ToArray();
        var pointType = new StructType([new Field("x", DoubleType.Default, true), new Field("y", DoubleType.Default, true)]);
        return IpcTestData.Batch(
            ("id", IpcTestData.Int64([.. ids.Select(i => (long?)i)])),
            ("value", IpcTestData.Float64([.. ids.Select(i => i % 10 == 0 ? null : (double?)(i * 0.5))])),
            ("name", IpcTestData.Utf8([.. ids.Select(i => i % 7 == 0 ? null : "name number " + i)])),
            ("point", IpcTestData.Struct(pointType, length, [IpcTestData.Float64([.. ids.Select(i => (double?)i)]), IpcTestData.Float64([.. ids.Select(i => (double?)-i)])])));
    }

    private static async IAsyncEnumerable<RecordBatch> Source(int batches)
    {
        // Batches of a quarter row group: the writer buffers them into whole row groups.
        for (int i = 0; i < batches; i++)
        {
            await Task.Yield();
            yield return Wide(i * (RowGroupRows / 4), RowGroupRows / 4);
        }
    }

    private static async IAsyncEnumerable<RecordBatch> AsyncBatches(RecordBatch[] batches)
    {
        foreach (RecordBatch batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }
}
