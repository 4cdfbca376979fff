using DataBridge.Mda;
using Microsoft.Data.Analysis;

namespace DataBridge.Tests.Mda;

public class MdaFromArrowTests
{
    private static DataFrame Read(params (string Name, IArrowArray Array)[] columns)
    {
        var schema = new Schema([.. columns.Select(c => new Field(c.Name, c.Array.Data.DataType, true))], null);
        return MdaConversion.FromRecordBatches(schema, [new RecordBatch(schema, columns.Select(c => c.Array), columns[0].Array.Length)]);
    }

    [Test]
    public void FromRecordBatches_SlicedArrays_ReadTheSlicedRows()
    {
        IArrowArray ints = new Int32Array.Builder().AppendRange(Enumerable.Range(0, 20)).Build();
        var withNulls = new Int64Array.Builder();
        for (int i = 0; i < 20; i++)
        {
            if (i % 3 == 0)
            {
                withNulls.AppendNull();
            }
            else
            {
                withNulls.Append(i);
            }
        }

        var strings = new StringArray.Builder();
        for (int i = 0; i < 20; i++)
        {
            strings.Append(i % 4 == 0 ? null : $"s{i}");
        }

        var bools = new BooleanArray.Builder();
        for (int i = 0; i < 20; i++)
        {
            bools.Append(i % 2 == 0);
        }

        var schema = new Schema([new("i", Int32Type.Default, false), new("n", Int64Type.Default, true), new("s", StringType.Default, true), new("b", BooleanType.Default, false)], null);
        var whole = new RecordBatch(schema, [ints, withNulls.Build(), strings.Build(), bools.Build()], 20);
        RecordBatch sliced = whole.Slice(5, 10);

        DataFrame frame = MdaConversion.FromRecordBatches(schema, [sliced]);
        DataFrame arrowStrings = MdaConversion.FromRecordBatches(schema, [sliced], arrowStrings: true);

        IEnumerable<int> rows = Enumerable.Range(5, 10);
        Assert.That(frame["i"].Cast<int?>(), Is.EqualTo(rows.Select(i => (int?)i)));
        Assert.That(frame["n"].Cast<long?>(), Is.EqualTo(rows.Select(i => i % 3 == 0 ? null : (long?)i)));
        Assert.That(frame["s"].Cast<string?>(), Is.EqualTo(rows.Select(i => i % 4 == 0 ? null : $"s{i}")));
        Assert.That(arrowStrings["s"].Cast<string?>(), Is.EqualTo(rows.Select(i => i % 4 == 0 ? null : $"s{i}")));
        Assert.That(frame["b"].Cast<bool?>(), Is.EqualTo(rows.Select(i => (bool?)(i % 2 == 0))));
        Assert.That(frame["n"].NullCount, Is.EqualTo(rows.Count(i => i % 3 == 0)));
    }

    [TestCase(TimeUnit.Second, 1_700_000_000L, "2023-11-14T22:13:20.0000000")]
    [TestCase(TimeUnit.Millisecond, 1_700_000_000_123L, "2023-11-14T22:13:20.1230000")]
    [TestCase(TimeUnit.Microsecond, 1_700_000_000_123_456L, "2023-11-14T22:13:20.1234560")]
    [TestCase(TimeUnit.Nanosecond, 1_700_000_000_123_456_789L, "2023-11-14T22:13:20.1234567")]
    [TestCase(TimeUnit.Nanosecond, -1L, "1969-12-31T23:59:59.9999999")]
    public void FromRecordBatches_TimestampInEachUnit_KeepsTheTimeOfDay(TimeUnit unit, long value, string expected)
    {
        foreach (string? zone in new[] { null, "UTC", "Europe/Paris" })
        {
            var type = new TimestampType(unit, zone);
            var typed = (TimestampArray)ArrowArrayFactory.BuildArray(new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(BitConverter.GetBytes(value))]));

            DateTime read = Read(("t", typed)).Columns.GetDateTimeColumn("t")[0]!.Value;

            Assert.That(read.ToString("O", System.Globalization.CultureInfo.InvariantCulture), Does.StartWith(expected), zone);
            Assert.That(read.Kind, Is.EqualTo(zone is null ? DateTimeKind.Unspecified : DateTimeKind.Utc), zone);
        }
    }

    [Test]
    public void FromRecordBatches_DatesTimesAndDurations_BecomeDateTimeAndTimeSpanColumns()
    {
        var date32 = new Date32Array.Builder().Append(new DateTime(2024, 2, 29)).Build();
        var date64 = new Date64Array.Builder().Append(new DateTime(1960, 1, 1)).Build();
        var time64 = (Time64Array)ArrowArrayFactory.BuildArray(new ArrayData(new Time64Type(TimeUnit.Nanosecond), 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(BitConverter.GetBytes(3_723_000_000_100L))]));
        var time32 = (Time32Array)ArrowArrayFactory.BuildArray(new ArrayData(new Time32Type(TimeUnit.Millisecond), 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(BitConverter.GetBytes(1500))]));
        var duration = (DurationArray)ArrowArrayFactory.BuildArray(new ArrayData(DurationType.Second, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(BitConverter.GetBytes(-90L))]));

        DataFrame frame = Read(("d32", date32), ("d64", date64), ("t64", time64), ("t32", time32), ("dur", duration));

        Assert.That(frame["d32"][0], Is.EqualTo(new DateTime(2024, 2, 29)));
        Assert.That(frame["d64"][0], Is.EqualTo(new DateTime(1960, 1, 1)));
        Assert.That(frame["t64"][0], Is.EqualTo(new TimeSpan(1, 2, 3) + TimeSpan.FromTicks(1)));
        Assert.That(frame["t32"][0], Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
        Assert.That(frame["dur"][0], Is.EqualTo(TimeSpan.FromSeconds(-90)));
        Assert.That(frame["t64"], Is.TypeOf<PrimitiveDataFrameColumn<TimeSpan>>());
    }

    [Test]
    public void FromRecordBatches_DecimalsOfEveryWidth_BecomeDecimalColumns()
    {
        var d128 = new Decimal128Array.Builder(new Decimal128Type(38, 30)).Append(1.5m).AppendNull().Append(-0.000001m).Build();
        var d256 = new Decimal256Array.Builder(new Decimal256Type(76, 2)).Append(123.45m).AppendNull().Append(-1m).Build();

        DataFrame frame = Read(("a", d128), ("b", d256));

        Assert.That(frame["a"].Cast<decimal?>(), Is.EqualTo(new decimal?[] { 1.5m, null, -0.000001m }));
        Assert.That(frame["b"].Cast<decimal?>(), Is.EqualTo(new decimal?[] { 123.45m, null, -1m }));
    }

    [Test]
    public void FromRecordBatches_DecimalBeyondSystemDecimal_ThrowsNamingTheColumn()
    {
        var type = new Decimal128Type(38, 0);
        byte[] value = new byte[16];
        value.AsSpan().Fill(0xFF);
        value[15] = 0x0F; // 2^124 - 1: far beyond decimal's 96 bits
        var array = ArrowArrayFactory.BuildArray(new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(value)]));

        Assert.That(() => Read(("price", array)),
            Throws.InstanceOf<UnsupportedArrowFeatureException>().With.Message.Contains("'price'").And.Message.Contains("does not fit System.Decimal"));
    }

    [Test]
    public void FromRecordBatches_DecimalWithMoreThan28Places_ThrowsNamingTheColumn()
    {
        var array = ArrowArrayFactory.BuildArray(new ArrayData(new Decimal128Type(38, 30), 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]));

        Assert.That(() => Read(("tiny", array)), Throws.InstanceOf<UnsupportedArrowFeatureException>().With.Message.Contains("'tiny'").And.Message.Contains("0.000000000000000000000000000001"));
    }

    [Test]
    public void FromRecordBatches_BinaryColumn_ThrowsNamingTheColumnAndType()
    {
        var binary = new BinaryArray.Builder().Append([1, 2]).Build();

        Assert.That(() => Read(("payload", binary)),
            Throws.InstanceOf<UnsupportedArrowFeatureException>().With.Message.Contains("'payload'").And.Message.Contains("binary")
                .And.Property(nameof(UnsupportedArrowFeatureException.Feature)).EqualTo("type:binary"));
    }

    [Test]
    public void FromRecordBatches_MultipleBatches_ConcatenatesRowsInOrder()
    {
        var schema = new Schema([new("i", Int32Type.Default, true), new("s", StringType.Default, true), new("t", new TimestampType(TimeUnit.Millisecond, "UTC"), true)], null);
        RecordBatch Batch(int from, int count)
        {
            var i = new Int32Array.Builder();
            var s = new StringArray.Builder();
            var t = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC"));
            for (int k = from; k < from + count; k++)
            {
                if (k % 3 == 0)
                {
                    i.AppendNull();
                    s.AppendNull();
                    t.AppendNull();
                }
                else
                {
                    i.Append(k);
                    s.Append($"r{k}");
                    t.Append(DateTimeOffset.UnixEpoch.AddMilliseconds(k));
                }
            }

            return new RecordBatch(schema, [i.Build(), s.Build(), t.Build()], count);
        }

        RecordBatch[] batches = [Batch(0, 5), Batch(5, 0), Batch(5, 11), Batch(16, 3).Slice(1, 2)];

        DataFrame frame = MdaConversion.FromRecordBatches(schema, batches);
        DataFrame arrowStrings = MdaConversion.FromRecordBatches(schema, batches, arrowStrings: true);

        int[] rows = [.. Enumerable.Range(0, 16), 17, 18];
        Assert.That(frame["i"].Cast<int?>(), Is.EqualTo(rows.Select(k => k % 3 == 0 ? null : (int?)k)));
        Assert.That(frame["s"].Cast<string?>(), Is.EqualTo(rows.Select(k => k % 3 == 0 ? null : $"r{k}")));
        Assert.That(arrowStrings["s"].Cast<string?>(), Is.EqualTo(rows.Select(k => k % 3 == 0 ? null : $"r{k}")));
        Assert.That(frame["t"].Cast<DateTime?>(), Is.EqualTo(rows.Select(k => k % 3 == 0 ? null : (DateTime?)DateTime.UnixEpoch.AddMilliseconds(k))));
    }

    [Test]
    public void FromRecordBatches_DictionaryEncodedColumns_BecomeTheirValues()
    {
        var strings = new StringArray.Builder().Append("low").Append("high").Build();
        var doubles = new DoubleArray.Builder().Append(0.5).AppendNull().Build();
        var indices = new Int8Array.Builder().Append(1).AppendNull().Append(0).Append(1).Build();
        var s = new DictionaryArray(new DictionaryType(Int8Type.Default, StringType.Default, false), indices, strings);
        var d = new DictionaryArray(new DictionaryType(Int8Type.Default, DoubleType.Default, false), indices, doubles);

        DataFrame frame = Read(("s", s), ("d", d));

        Assert.That(frame["s"].Cast<string?>(), Is.EqualTo(new[] { "high", null, "low", "high" }));
        Assert.That(frame["d"].Cast<double?>(), Is.EqualTo(new double?[] { null, null, 0.5, null }));
    }

    [Test]
    public void FromRecordBatches_LargeUtf8AndFloat16_BecomeStringAndSingleColumns()
    {
        var large = new LargeStringArray.Builder().Append("ä").AppendNull().Build();
        var half = new HalfFloatArray.Builder().Append((Half)1.5).AppendNull().Build();

        DataFrame frame = Read(("s", large), ("h", half));

        Assert.That(frame["s"].Cast<string?>(), Is.EqualTo(new[] { "ä", null }));
        Assert.That(frame["h"].Cast<float?>(), Is.EqualTo(new float?[] { 1.5f, null }));
    }

    [Test]
    public void FromRecordBatches_SingleBatchInt64_SharesTheBatchBuffer()
    {
        var array = new Int64Array.Builder().AppendRange(Enumerable.Range(0, 32).Select(i => (long)i)).Build();
        var sliced = (Int64Array)array.Slice(8, 16);

        var column = (Int64DataFrameColumn)Read(("x", sliced))["x"];

        Assert.That(column.Cast<long?>(), Is.EqualTo(Enumerable.Range(8, 16).Select(i => (long?)i)));
        Assert.That(column.GetReadOnlyDataBuffers().Single().ToArray(), Is.EqualTo(Enumerable.Range(8, 16).Select(i => (long)i)));
        unsafe
        {
            fixed (long* arrow = sliced.Values)
            fixed (long* mda = column.GetReadOnlyDataBuffers().Single().Span)
            {
                Assert.That((nint)mda, Is.EqualTo((nint)arrow));
            }
        }
    }

    [Test]
    public void FromRecordBatches_BatchNotMatchingTheSchema_ThrowsArrowFormatException()
    {
        var batch = new RecordBatch(new Schema([new("x", Int32Type.Default, false)], null), [new Int32Array.Builder().Append(1).Build()], 1);
        var schema = new Schema([new("x", Int64Type.Default, false)], null);

        Assert.That(() => MdaConversion.FromRecordBatches(schema, [batch]), Throws.InstanceOf<ArrowFormatException>().With.Message.Contains("'x'"));
    }
}
