using DataBridge.Parquet;
using DataBridge.Tests.Frames;
using DataBridge.Tests.Ipc;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Parquet;

public class ParquetRoundTripTests
{
    /// <summary>
    /// Columns of <see cref="AllTypesRoundTripTests.EveryType"/> that Parquet cannot hold (ParquetErrorTests): intervals, unions,
    /// and its decimal256(70, -3) (a negative scale); decimal256 of a positive scale is in the .NET-types test.
    /// </summary>
    private static readonly string[] Refused = ["ym", "dt", "mdn", "sparse", "dense", "decimal256"];

    private ParquetTestFiles _files = null!;

    [OneTimeSetUp]
    public void SetUp() => _files = new ParquetTestFiles();

    [OneTimeTearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public async Task WriteThenRead_EveryWritableArrowType_ExactExceptTheDocumentedMappings()
    {
        RecordBatch all = AllTypesRoundTripTests.EveryType();
        RecordBatch batch = Without(all, Refused);
        string path = _files.NewPath();

        long rows = await ParquetBatches.WriteAsync(path, batch.Schema, [batch, batch.Slice(1, 4)]);
        List<RecordBatch> read = await ReadAll(path);

        Assert.That(rows, Is.EqualTo(10));
        Assert.That(read.Sum(b => b.Length), Is.EqualTo(10));
        RecordBatch first = read[0].Slice(0, 6);
        RecordBatch second = read[0].Length == 10 ? read[0].Slice(6, 4) : read[1];
        Assert.That(first.Schema.Metadata, Is.EqualTo(batch.Schema.Metadata), "schema metadata");

        var mapped = new Dictionary<string, IArrowType>
        {
            ["date64"] = Date32Type.Default,
            ["time32s"] = new Time32Type(TimeUnit.Millisecond),
            ["ts_naive"] = new TimestampType(TimeUnit.Millisecond, (string?)null),
        };
        for (int i = 0; i < batch.ColumnCount; i++)
        {
            Field expected = batch.Schema.FieldsList[i];
            Field actual = first.Schema.FieldsList[i];
            Assert.That(actual.Name, Is.EqualTo(expected.Name));
            Assert.That(actual.IsNullable, Is.EqualTo(expected.IsNullable), expected.Name);
            Assert.That(actual.Metadata, Is.EqualTo(expected.Metadata), $"{expected.Name}: field metadata");
            if (mapped.TryGetValue(expected.Name, out IArrowType? type))
            {
                Assert.That(actual.DataType.TypeId, Is.EqualTo(type.TypeId), expected.Name);
                Assert.That(actual.DataType.ToString(), Is.EqualTo(type.ToString()), expected.Name);
            }
            else if (expected.Name.StartsWith("decimal", StringComparison.Ordinal))
            {
                // EveryType's decimals are random bytes beyond their precision: types here, values in the decimal test.
                Assert.That(actual.DataType.ToString(), Is.EqualTo(expected.DataType.ToString()), expected.Name);
            }
            else if (expected.DataType is FixedSizeListType)
            {
                Assert.That(actual.DataType, Is.InstanceOf<ListType>(), "a fixed-size list is written as a list");
            }
            else
            {
                Assert.That(ArrayDataComparer.FirstDifference(ParquetNames(batch.Column(i).Data), first.Column(i).Data), Is.Null, expected.Name);
                Assert.That(ArrayDataComparer.FirstDifference(ParquetNames(batch.Slice(1, 4).Column(i).Data), second.Column(i).Data), Is.Null, expected.Name + " (sliced batch)");
            }
        }

        // The mapped columns keep their values in the new unit.
        AssertScaled(batch, first, "time32s", 1000);
        AssertScaled(batch, first, "ts_naive", 1000);
        var date64 = (Date64Array)batch.Column("date64");
        var date32 = (Date32Array)first.Column("date64");
        for (int r = 0; r < 6; r++)
        {
            Assert.That(date32.IsNull(r), Is.EqualTo(date64.IsNull(r)));
            if (!date64.IsNull(r))
            {
                Assert.That(date32.GetValue(r), Is.EqualTo((int)Math.Floor(date64.GetValue(r)!.Value / 86_400_000.0)), $"date64 row {r}: whole days");
            }
        }

        var fixedList = (FixedSizeListArray)batch.Column("fsl");
        var list = (ListArray)first.Column("fsl");
        var items = (Int16Array)fixedList.Values;
        var readItems = (Int16Array)list.Values;
        for (int r = 0; r < 6; r++)
        {
            Assert.That(list.IsNull(r), Is.EqualTo(fixedList.IsNull(r)), $"fsl row {r} null");
            if (!fixedList.IsNull(r))
            {
                Assert.That(list.GetValueLength(r), Is.EqualTo(2));
                for (int k = 0; k < 2; k++)
                {
                    Assert.That(readItems.GetValue(list.ValueOffsets[r] + k), Is.EqualTo(items.GetValue((r * 2) + k)), $"fsl row {r} item {k}");
                }
            }
        }
    }

    [Test]
    public async Task WriteThenRead_DecimalsOfEveryWidthWithinTheirPrecision_Exact()
    {
        long[] values = [0, 1, -1, 12_345, -9_999_999, 31_415_926];
        bool[] valid = [true, true, false, true, true, true];
        RecordBatch batch = IpcTestData.Batch(
            ("d32", IpcTestData.Fixed(new Decimal32Type(9, 2), Raw(values, 4), valid)),
            ("d64", IpcTestData.Fixed(new Decimal64Type(18, 4), Raw(values, 8), valid)),
            ("d128", IpcTestData.Fixed(new Decimal128Type(38, 10), Raw(values, 16), valid)),
            ("d256", IpcTestData.Fixed(new Decimal256Type(76, 28), Raw(values, 32), valid)));
        string path = _files.NewPath();

        await ParquetBatches.WriteAsync(path, batch.Schema, [batch]);
        List<RecordBatch> read = await ReadAll(path);

        Assert.That(ArrayDataComparer.FirstDifference(batch, read.Single()), Is.Null);

        static byte[] Raw(long[] values, int width)
        {
            byte[] raw = new byte[values.Length * width];
            for (int i = 0; i < values.Length; i++)
            {
                for (int b = 0; b < width; b++)
                {
                    raw[(i * width) + b] = b < 8 ? (byte)(values[i] >> (8 * b)) : (byte)(values[i] < 0 ? 0xFF : 0);
                }
            }

            return raw;
        }
    }

    [Test]
    public async Task WriteThenRead_EveryMappedNetType_ToRecordsGivesTheSameObjects()
    {
        AllTypes[] input = AllTypes.Samples();
        ArrowFrame frame = ArrowFrame.FromRecords(input, maxRowsPerPartition: 2);
        string path = _files.NewPath();

        await ParquetBatches.WriteAsync(path, frame);
        ArrowFrame back = await ParquetBatches.ReadFrameAsync(path);

        AllTypes[] output = [.. back.ToRecords<AllTypes>()];
        Assert.That(output, Has.Length.EqualTo(input.Length));
        for (int i = 0; i < input.Length; i++)
        {
            Assert.That(output[i].SameAs(input[i]), Is.True, $"row {i}: {output[i]} != {input[i]}");
        }

        Assert.That(back.Schema.FieldsList.Select(f => f.DataType.ToString()), Is.EqualTo(frame.Schema.FieldsList.Select(f => f.DataType.ToString())), "every .NET type's Arrow type is kept");
    }

    [Test]
    public async Task WriteThenRead_NullsInEveryColumnAndSlicedBatches_KeepTheirPositions()
    {
        var rows = Enumerable.Range(0, 37).ToArray();
        RecordBatch batch = IpcTestData.Batch(
            ("i64", IpcTestData.Int64([.. rows.Select(i => i % 3 == 0 ? null : (long?)i)])),
            ("f64", IpcTestData.Float64([.. rows.Select(i => i % 4 == 1 ? null : (double?)(i / 2.0))])),
            ("s", IpcTestData.Utf8([.. rows.Select(i => i % 5 == 2 ? null : "v" + i)])),
            ("b", IpcTestData.Bool([.. rows.Select(i => i % 2 == 0 ? null : (bool?)(i % 3 == 1))])),
            ("ts", IpcTestData.Primitive<long>(new TimestampType(TimeUnit.Microsecond, "UTC"), [.. rows.Select(i => i % 6 == 0 ? null : (long?)(i * 1_000_000L))])),
            ("d32", IpcTestData.Primitive<int>(Date32Type.Default, [.. rows.Select(i => i % 7 == 0 ? null : (int?)(19_000 + i))])),
            ("all_null", IpcTestData.Int64([.. rows.Select(_ => (long?)null)])),
            ("no_null", IpcTestData.Int64([.. rows.Select(i => (long?)i)])));
        RecordBatch[] written = [batch.Slice(3, 13), batch.Slice(16, 0), batch.Slice(16, 21)];
        string path = _files.NewPath();

        await ParquetBatches.WriteAsync(path, batch.Schema, written, new ParquetWriteOptions { RowGroupRows = 10 });
        List<RecordBatch> read = await ReadAll(path);

        Assert.That(read.Select(b => b.Length), Is.EqualTo(new[] { 10, 10, 10, 4 }), "row groups of 10 whatever the batch sizes");
        var expected = batch.Slice(3, 34);
        int offset = 0;
        foreach (RecordBatch b in read)
        {
            for (int c = 0; c < b.ColumnCount; c++)
            {
                Assert.That(ArrayDataComparer.FirstDifference(expected.Slice(offset, b.Length).Column(c), b.Column(c)), Is.Null, $"{batch.Schema.FieldsList[c].Name} rows {offset}+");
            }

            offset += b.Length;
        }

        Assert.That(read.Sum(b => b.Column("all_null").NullCount), Is.EqualTo(34));
    }

    internal static async Task<List<RecordBatch>> ReadAll(string path, ParquetReadOptions? options = null)
    {
        var batches = new List<RecordBatch>();
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync(path, options))
        {
            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>A list's item field is named <c>element</c> in Parquet (the compliant nested types pyarrow writes too).</summary>
    private static ArrayData ParquetNames(ArrayData data)
    {
        IArrowType? renamed = data.DataType switch
        {
            ListType l => new ListType(Element(l.ValueField)),
            LargeListType l => new LargeListType(Element(l.ValueField)),
            ListViewType l => new ListViewType(Element(l.ValueField)),
            _ => null,
        };
        return renamed is null ? data : new ArrayData(renamed, data.Length, data.NullCount, data.Offset, data.Buffers, data.Children, data.Dictionary);

        static Field Element(Field item) => new("element", item.DataType, item.IsNullable, item.Metadata);
    }

    private static void AssertScaled(RecordBatch expected, RecordBatch actual, string column, long factor)
    {
        ReadOnlySpan<byte> before = expected.Column(column).Data.Buffers[1].Span;
        IArrowArray after = actual.Column(column);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.That(after.IsNull(r), Is.EqualTo(expected.Column(column).IsNull(r)), $"{column} row {r} null");
            if (!after.IsNull(r))
            {
                long was = expected.Column(column) is Time32Array ? BitConverter.ToInt32(before.Slice(r * 4, 4)) : BitConverter.ToInt64(before.Slice(r * 8, 8));
                long now = after is Time32Array t ? t.GetValue(r)!.Value : ((TimestampArray)after).GetValue(r)!.Value;
                Assert.That(now, Is.EqualTo(was * factor), $"{column} row {r}");
            }
        }
    }

    private static RecordBatch Without(RecordBatch batch, string[] names)
    {
        var keep = Enumerable.Range(0, batch.ColumnCount).Where(i => !names.Contains(batch.Schema.FieldsList[i].Name)).ToArray();
        // EveryType's int64 field is declared non-nullable but holds nulls, which Parquet refuses (ParquetErrorTests).
        var schema = new Schema(
            keep.Select(i => batch.Schema.FieldsList[i] is { IsNullable: false } f && batch.Column(i).NullCount > 0 ? new Field(f.Name, f.DataType, true, f.Metadata) : batch.Schema.FieldsList[i]),
            batch.Schema.Metadata);
        return new RecordBatch(schema, keep.Select(batch.Column), batch.Length);
    }
}
