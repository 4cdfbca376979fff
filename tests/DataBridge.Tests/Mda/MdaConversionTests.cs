using DataBridge.Mda;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;

namespace DataBridge.Tests.Mda;

public class MdaConversionTests
{
    private static DataFrame RoundTrip(DataFrame frame, int maxRowsPerBatch = 1000) =>
        MdaConversion.FromRecordBatches(MdaConversion.ToSchema(frame), MdaConversion.ToRecordBatches(frame, maxRowsPerBatch).ToList());

    private static DataFrame MixedFrame() => new(
        new Int32DataFrameColumn("i32", [1, null, 3, null, 5]),
        new Int64DataFrameColumn("i64", [long.MinValue, -1, 0, 1, long.MaxValue]),
        new DoubleDataFrameColumn("f64", [0.5, double.NaN, -1e300, null, double.PositiveInfinity]),
        new StringDataFrameColumn("s", ["grüße", null, "日本語", "", "🙂 emoji"]),
        new BooleanDataFrameColumn("b", [true, false, null, true, false]),
        new DateTimeDataFrameColumn("dt", [new DateTime(2024, 2, 29, 13, 45, 12, 345, DateTimeKind.Unspecified), null, new DateTime(1, 1, 1), new DateTime(9999, 12, 31, 23, 59, 59), new DateTime(1969, 12, 31, 23, 59, 59, 999)]),
        new DecimalDataFrameColumn("d", [1.5m, -0.001m, null, 79228162514264337593543950335m, 0m]));

    [Test]
    public void RoundTrip_MixedFrame_KeepsValuesNullsAndColumnTypes()
    {
        DataFrame frame = MixedFrame();

        DataFrame back = RoundTrip(frame, maxRowsPerBatch: 2);

        Assert.That(back.Columns.Select(c => c.GetType()), Is.EqualTo(frame.Columns.Select(c => c.GetType())));
        for (int c = 0; c < frame.Columns.Count; c++)
        {
            Assert.That(back.Columns[c].Cast<object?>(), Is.EqualTo(frame.Columns[c].Cast<object?>()), frame.Columns[c].Name);
            Assert.That(back.Columns[c].NullCount, Is.EqualTo(frame.Columns[c].NullCount), frame.Columns[c].Name);
        }
    }

    [Test]
    public void ToSchema_MixedFrame_MapsEachColumnToItsArrowType()
    {
        Schema schema = MdaConversion.ToSchema(MixedFrame());

        Assert.That(schema.FieldsList.Select(f => f.DataType.Name), Is.EqualTo(new[] { "int32", "int64", "double", "utf8", "bool", "timestamp", "decimal128" }));
        Assert.That(schema.FieldsList.Select(f => f.IsNullable), Is.EqualTo(new[] { true, false, true, true, true, true, true }));
        Assert.That(((TimestampType)schema.GetFieldByName("dt").DataType).Unit, Is.EqualTo(TimeUnit.Microsecond));
        Assert.That(((TimestampType)schema.GetFieldByName("dt").DataType).Timezone, Is.Null);
        var decimalType = (Decimal128Type)schema.GetFieldByName("d").DataType;
        Assert.That((decimalType.Precision, decimalType.Scale), Is.EqualTo((38, 3)));
    }

    [Test]
    public void RoundTrip_EveryPrimitiveType_KeepsValuesAndColumnTypes()
    {
        var frame = new DataFrame(
            new BooleanDataFrameColumn("bool", [true, null, false]),
            new ByteDataFrameColumn("byte", [byte.MinValue, null, byte.MaxValue]),
            new SByteDataFrameColumn("sbyte", [sbyte.MinValue, null, sbyte.MaxValue]),
            new Int16DataFrameColumn("short", [short.MinValue, null, short.MaxValue]),
            new UInt16DataFrameColumn("ushort", [ushort.MinValue, null, ushort.MaxValue]),
            new Int32DataFrameColumn("int", [int.MinValue, null, int.MaxValue]),
            new UInt32DataFrameColumn("uint", [uint.MinValue, null, uint.MaxValue]),
            new Int64DataFrameColumn("long", [long.MinValue, null, long.MaxValue]),
            new UInt64DataFrameColumn("ulong", [ulong.MinValue, null, ulong.MaxValue]),
            new SingleDataFrameColumn("float", [float.MinValue, null, float.Epsilon]),
            new DoubleDataFrameColumn("double", [double.MinValue, null, double.Epsilon]),
            new CharDataFrameColumn("char", ['a', null, '\uD83D']),
            new DecimalDataFrameColumn("decimal", [decimal.MinValue, null, 0.0000000000000000000000000001m]),
            new DateTimeDataFrameColumn("datetime", [DateTime.MinValue, null, new DateTime(2020, 1, 2, 3, 4, 5, 6, 7)]),
            new PrimitiveDataFrameColumn<TimeSpan>("timespan", [TimeSpan.FromDays(-365 * 200), null, new TimeSpan(1, 2, 3, 4, 5, 6)]),
            new PrimitiveDataFrameColumn<DateTimeOffset>("dto", [new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(5.5)), null, new DateTimeOffset(1900, 6, 1, 0, 0, 0, TimeSpan.FromHours(-8))]));

        DataFrame back = RoundTrip(frame);

        Assert.That(back.Columns.Select(c => c.GetType()), Is.EqualTo(frame.Columns.Select(c => c.GetType())));
        for (int c = 0; c < frame.Columns.Count; c++)
        {
            Assert.That(back.Columns[c].Cast<object?>(), Is.EqualTo(frame.Columns[c].Cast<object?>()), frame.Columns[c].Name);
        }

        var offsets = (PrimitiveDataFrameColumn<DateTimeOffset>)back["dto"];
        Assert.That(offsets[0]!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(5.5)));
    }

    [Test]
    public void ToRecordBatches_UtcDateTimes_WriteUtcZoneAndReadBackAsUtc()
    {
        var utc = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        var frame = new DataFrame(new DateTimeDataFrameColumn("t", [utc, null]));

        Assert.That(((TimestampType)MdaConversion.ToSchema(frame).FieldsList[0].DataType).Timezone, Is.EqualTo("UTC"));
        DateTime back = RoundTrip(frame).Columns.GetDateTimeColumn("t")[0]!.Value;
        Assert.That((back, back.Kind), Is.EqualTo((utc, DateTimeKind.Utc)));
    }

    [Test]
    public void ToSchema_DecimalsNeedingMoreThan38Digits_UseDecimal256()
    {
        var frame = new DataFrame(new DecimalDataFrameColumn("d", [79228162514264337593543950335m, 0.0000000000000000000000000001m]));

        var type = (Decimal256Type)MdaConversion.ToSchema(frame).FieldsList[0].DataType;

        Assert.That((type.Precision, type.Scale), Is.EqualTo((76, 28)));
        Assert.That(RoundTrip(frame)["d"].Cast<object?>(), Is.EqualTo(frame["d"].Cast<object?>()));
    }

    [Test]
    public void ToRecordBatches_EmptyFrameWithColumns_GivesNoBatchesAndTheSchema()
    {
        var frame = new DataFrame(new Int32DataFrameColumn("i", 0), new StringDataFrameColumn("s", 0), new DecimalDataFrameColumn("d", 0));

        Assert.That(MdaConversion.ToRecordBatches(frame, 10), Is.Empty);
        DataFrame back = MdaConversion.FromRecordBatches(MdaConversion.ToSchema(frame), []);
        Assert.That(back.Rows.Count, Is.Zero);
        Assert.That(back.Columns.Select(c => c.GetType()), Is.EqualTo(new[] { typeof(Int32DataFrameColumn), typeof(StringDataFrameColumn), typeof(DecimalDataFrameColumn) }));
    }

    [Test]
    public void ToRecordBatches_FrameWithoutColumns_GivesEmptySchemaAndNoBatches()
    {
        var frame = new DataFrame();

        Assert.That(MdaConversion.ToSchema(frame).FieldsList, Is.Empty);
        Assert.That(MdaConversion.ToRecordBatches(frame, 10), Is.Empty);
        Assert.That(MdaConversion.FromRecordBatches(new Schema([], null), []).Columns, Is.Empty);
    }

    [Test]
    public void ToRecordBatches_LargeStringColumn_SplitsIntoBatchesOfMaxRowsPerBatch()
    {
        const int Rows = 100_003;
        string?[] values = [.. Enumerable.Range(0, Rows).Select(i => i % 7 == 0 ? null : $"value {i} – ünïcödé")];
        var frame = new DataFrame(new StringDataFrameColumn("s", values), new Int32DataFrameColumn("i", Enumerable.Range(0, Rows).Select(i => i % 5 == 0 ? (int?)null : i)));

        List<RecordBatch> batches = [.. MdaConversion.ToRecordBatches(frame, 999)];

        Assert.That(batches.Select(b => b.Length), Is.EqualTo(Enumerable.Repeat(999, Rows / 999).Append(Rows % 999)));
        Assert.That(batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column(0)).GetString(i))), Is.EqualTo(values));
        Assert.That(batches.SelectMany(b => ((Int32Array)b.Column(1)).ToList(includeNulls: true)), Is.EqualTo(frame["i"].Cast<int?>()));
    }

    [Test]
    public void ToRecordBatches_Int64Column_SharesTheColumnsBuffer()
    {
        var column = new Int64DataFrameColumn("x", Enumerable.Range(0, 64).Select(i => (long)i));
        var frame = new DataFrame(column);

        var array = (Int64Array)MdaConversion.ToRecordBatches(frame, 16).Skip(1).First().Column(0);

        Assert.That(array.GetValue(0), Is.EqualTo(16));
        Assert.That(array.Offset, Is.Zero);
        ReadOnlyMemory<long> mdaBuffer = column.GetReadOnlyDataBuffers().Single();
        unsafe
        {
            fixed (long* mda = mdaBuffer.Span)
            fixed (long* arrow = array.Values)
            {
                Assert.That((nint)arrow, Is.EqualTo((nint)(mda + 16)));
            }
        }
    }

    [Test]
    public void ToRecordBatches_ColumnOverMemoryThatDoesNotStartAtIndexZero_WritesTheRightValues()
    {
        // MDA reinterprets such memory wrongly in GetReadOnlyDataBuffers (its start index is read as elements).
        byte[] raw = new byte[8 * 5];
        for (int i = 0; i < 5; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * 8), 100L + i);
        }

        var column = new Int64DataFrameColumn("x", new ReadOnlyMemory<byte>(raw, 8, 32), ReadOnlyMemory<byte>.Empty, 4, 0);

        var array = (Int64Array)MdaConversion.ToRecordBatches(new DataFrame(column), 10).Single().Column(0);

        Assert.That(array.ToList(), Is.EqualTo(new long?[] { 101, 102, 103, 104 }));
    }

    [Test]
    public void ArrowStringColumn_RoundTrip_IsUtf8BothWays()
    {
        var source = new StringArray.Builder().Append("α").AppendNull().Append("βγ").Append(string.Empty).Build();
        var batch = new RecordBatch(new Schema([new Field("s", StringType.Default, true)], null), [source], 4);

        DataFrame frame = MdaConversion.FromRecordBatches(batch.Schema, [batch], arrowStrings: true);
        var array = (StringArray)MdaConversion.ToRecordBatches(frame, 10).Single().Column(0);

        Assert.That(frame["s"], Is.TypeOf<ArrowStringDataFrameColumn>());
        Assert.That(frame["s"].Cast<string?>(), Is.EqualTo(new[] { "α", null, "βγ", string.Empty }));
        Assert.That(Enumerable.Range(0, 4).Select(i => array.GetString(i)), Is.EqualTo(new[] { "α", null, "βγ", string.Empty }));
    }

    [Test]
    public void ToRecordBatches_VBufferColumn_WritesListsWithSparseVectorsDensified()
    {
        var column = new VBufferDataFrameColumn<float>("v", [new VBuffer<float>(3, [1f, 2f, 3f]), new VBuffer<float>(4, 1, [9f], [2]), default]);

        var list = (ListArray)MdaConversion.ToRecordBatches(new DataFrame(column), 10).Single().Column(0);

        Assert.That(list.Length, Is.EqualTo(3));
        Assert.That(((FloatArray)list.GetSlicedValues(0)).ToList(), Is.EqualTo(new float?[] { 1, 2, 3 }));
        Assert.That(((FloatArray)list.GetSlicedValues(1)).ToList(), Is.EqualTo(new float?[] { 0, 0, 9, 0 }));
        Assert.That(list.GetSlicedValues(2).Length, Is.Zero);
    }

    [Test]
    public void ToRecordBatches_NonPositiveMaxRows_ThrowsArgumentOutOfRange() =>
        Assert.That(() => MdaConversion.ToRecordBatches(MixedFrame(), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
}
