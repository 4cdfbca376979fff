using System.Globalization;
using System.Diagnostics;
using System.Text;
using Apache.Arrow.Arrays;
using DataBridge.Arrow;
using DataBridge.Frames;

namespace DataBridge.Tests.Frames;

[TestFixture]
public sealed class CsvTests
{
    private static ArrowFrame Load(string text, CsvOptions? options = null) =>
        ArrowFrame.LoadCsv(new MemoryStream(Encoding.UTF8.GetBytes(text)), options);

    private static CsvOptions Tiny(CsvOptions? options = null)
    {
        // A 16-byte buffer makes every record straddle refills: the restartable parsing is exercised everywhere.
        options ??= new CsvOptions();
        options.BufferSize = 16;
        return options;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LoadCsv_Rfc4180QuotedSeparatorsNewlinesAndDoubledQuotes(bool tinyBuffer)
    {
        const string csv = "id,text\r\n1,\"a,b\"\r\n2,\"line1\r\nline2\nline3\"\r\n3,\"say \"\"hi\"\"\"\r\n4,plain\r\n";

        ArrowFrame frame = Load(csv, tinyBuffer ? Tiny() : null);

        Assert.That(frame.Column<long>("id").ToArray(), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(frame.Column<string>("text").ToArray(), Is.EqualTo(new[] { "a,b", "line1\r\nline2\nline3", "say \"hi\"", "plain" }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LoadCsv_EmptyUnquotedIsNull_QuotedEmptyIsEmptyString(bool tinyBuffer)
    {
        ArrowFrame frame = Load("a,b,c\n,\"\",x\n\"\",,\n", tinyBuffer ? Tiny() : null);

        Assert.That(frame.Column<string>("a").ToArray(), Is.EqualTo(new[] { null, string.Empty }));
        Assert.That(frame.Column<string>("b").ToArray(), Is.EqualTo(new[] { string.Empty, null }));
        Assert.That(frame.Column<string>("c").ToArray(), Is.EqualTo(new[] { "x", null }), "a trailing separator ends with an empty (null) field");
    }

    [Test]
    public void LoadCsv_NullTokens_OnlyUnquotedMatch()
    {
        var options = new CsvOptions();
        options.NullValues.Add("NA");

        ArrowFrame frame = Load("a,b\nNA,\"NA\"\n1,x\n", options);

        Assert.That(frame.Column<long?>("a").ToArray(), Is.EqualTo(new long?[] { null, 1 }));
        Assert.That(frame.Column<string>("b").ToArray(), Is.EqualTo(new[] { "NA", "x" }));
    }

    [Test]
    public void LoadCsv_BomAndCrlfAndNoFinalNewline()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("name,n\r\nÄpfel,1\r\nß,2")];

        ArrowFrame frame = ArrowFrame.LoadCsv(new MemoryStream(bytes), Tiny());

        Assert.That(frame.Columns, Is.EqualTo(new[] { "name", "n" }));
        Assert.That(frame.Column<string>("name").ToArray(), Is.EqualTo(new[] { "Äpfel", "ß" }));
        Assert.That(frame.Column<long>("n").ToArray(), Is.EqualTo(new long[] { 1, 2 }));
    }

    [Test]
    public void LoadCsv_LoneCrLineEndsAndBlankLinesSkipped()
    {
        ArrowFrame frame = Load("a\r1\r\r2\n\n3\r\n");

        Assert.That(frame.Column<long>("a").ToArray(), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public void LoadCsv_Inference_NarrowestTypePerColumn()
    {
        const string csv = "b,i,f,d,t,z,s,n\n" +
                           "true,1,1.5,2024-01-02,2024-01-02T03:04:05.123456,2024-01-02T03:04:05Z,x,\n" +
                           "FALSE,-7,1e3,1999-12-31,2024-01-02 00:00:00,2024-01-02T05:04:05+02:00,1,\n" +
                           ",,,,,,,\n";

        ArrowFrame frame = Load(csv);

        Assert.That(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[]
        {
            "bool", "int64", "float64", "date32", "timestamp[us]", "timestamp[us, UTC]", "utf8", "utf8",
        }));
        Assert.That(frame.Column<bool?>("b").ToArray(), Is.EqualTo(new bool?[] { true, false, null }));
        Assert.That(frame.Column<double?>("f").ToArray(), Is.EqualTo(new double?[] { 1.5, 1000, null }));
        Assert.That(frame.Partitions[0].Arrays.Select(c => c.IsNull(2)), Is.All.True, "an empty unquoted field is null in every type");
        Assert.That(frame.Column<DateTime>("t")[0], Is.EqualTo(new DateTime(2024, 1, 2, 3, 4, 5, 123).AddTicks(4560)));
        Assert.That(frame.Column<DateTime>("z").Take(2), Is.EqualTo(new[] { new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) }));
    }

    [Test]
    public void LoadCsv_CultureInvariant_UnderAGermanCulture()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            ArrowFrame frame = Load("x;y\n1.5;\"2,5\"\n", new CsvOptions { Separator = ';' });

            Assert.That(frame.Column<double>("x")[0], Is.EqualTo(1.5));
            Assert.That(frame.Column<string>("y")[0], Is.EqualTo("2,5"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Test]
    public void LoadCsv_ExplicitSchema_TypesByNameOthersInferred()
    {
        var schema = new Schema([new Field("price", new Decimal128Type(10, 2), true), new Field("id", Int32Type.Default, false), new Field("at", new Time64Type(TimeUnit.Microsecond), true)], null);

        ArrowFrame frame = Load("id,price,at,note\n1,9.99,12:30:00.5,x\n2,-0.5,00:00:01,y\n", new CsvOptions { Schema = schema });

        Assert.That(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[] { "int32", "decimal128(10, 2)", "time64[us]", "utf8" }));
        Assert.That(frame.Column<decimal>("price").ToArray(), Is.EqualTo(new[] { 9.99m, -0.5m }));
        Assert.That(frame.Column<TimeOnly>("at")[0], Is.EqualTo(new TimeOnly(12, 30, 0, 500)));
    }

    [Test]
    public void LoadCsv_NoHeader_ColumnNamesGivenOrNumbered()
    {
        Assert.That(Load("1,2\n3,4\n", new CsvOptions { HasHeader = false }).Columns, Is.EqualTo(new[] { "column1", "column2" }));
        ArrowFrame named = Load("1,2\n3,4\n", new CsvOptions { HasHeader = false, ColumnNames = ["a", "b"] });
        Assert.That(named.Column<long>("b").ToArray(), Is.EqualTo(new long[] { 2, 4 }));
    }

    [Test]
    public void LoadCsv_HeaderOnly_ZeroRowsWithColumns_EmptyInput_NoColumns()
    {
        ArrowFrame headerOnly = Load("a,b\n");
        Assert.That((headerOnly.RowCount, headerOnly.ColumnCount), Is.EqualTo((0L, 2)));

        ArrowFrame empty = Load(string.Empty);
        Assert.That((empty.RowCount, empty.ColumnCount), Is.EqualTo((0L, 0)));
    }

    [TestCase("a,b\n1,2\n3,\"x\"y\n", 3, null, "follows the closing quote")]
    [TestCase("a,b\n1,2\n\"multi\nline\",2\n4,5,6\n", 5, null, "3 fields")]
    [TestCase("a,b\n1,2\n3,\"never closed\n4,5\n", 3, null, "not closed")]
    [TestCase("a,b\n1,2\n3\n", 3, null, "1 fields")]
    public void LoadCsv_MalformedRecord_ThrowsWithItsLineNumber(string csv, int line, string? column, string problem)
    {
        foreach (CsvOptions? options in new[] { null, Tiny() })
        {
            var e = Assert.Throws<CsvFormatException>(() => Load(csv, options))!;

            Assert.That(e.LineNumber, Is.EqualTo(line), e.Message);
            Assert.That(e.Column, Is.EqualTo(column));
            Assert.That(e.Message, Does.Contain($"line {line}").And.Contain(problem));
        }
    }

    [Test]
    public void LoadCsv_ValueNotOfTheInferredType_ThrowsWithLineAndColumn()
    {
        var e = Assert.Throws<CsvFormatException>(() => Load("a,b\n1,x\n2,y\nthree,z\n", new CsvOptions { InferenceRows = 2 }))!;

        Assert.That((e.LineNumber, e.Column), Is.EqualTo((4L, "a")));
        Assert.That(e.Message, Does.Contain("'three' is not a value of type int64").And.Contain("InferenceRows"));
    }

    [Test]
    public void LoadCsv_InferDecimals_PlainDecimalColumnsBecomeDecimal128WithTheSampledScale()
    {
        const string csv = "price,qty,ratio,big,label\n9.99,1,1e3,123456789012345678901234567890.5,a\n-0.5,2,2.5,1,b\n,3,,-7.25,c\n";

        foreach (CsvOptions options in new[] { new CsvOptions { InferDecimals = true }, Tiny(new CsvOptions { InferDecimals = true }) })
        {
            ArrowFrame frame = Load(csv, options);

            Assert.That(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[] { "decimal128(38, 2)", "int64", "float64", "decimal128(38, 2)", "utf8" }));
            Assert.That(frame.Column<decimal?>("price").ToArray(), Is.EqualTo(new decimal?[] { 9.99m, -0.5m, null }));
            var big = (FixedSizeBinaryArray)frame.Partitions[0].Column(3);
            Assert.That(Enumerable.Range(0, 3).Select(i => DecimalConversion.ToText(big, i)), Is.EqualTo(new[] { "123456789012345678901234567890.50", "1.00", "-7.25" }));
        }

        Assert.That(ArrowTypeText.Of(Load(csv).Schema.FieldsList[0].DataType), Is.EqualTo("float64"), "off by default");
    }

    [Test]
    public void LoadCsv_InferDecimals_MoreThan38DigitsGiveDecimal256_IntegersBeyondInt64GiveScaleZero()
    {
        string wide = "1" + new string('2', 45) + ".125";
        ArrowFrame frame = Load($"w,i\n{wide},123456789012345678901234\n-1,-5\n", new CsvOptions { InferDecimals = true });

        Assert.That(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[] { "decimal256(76, 3)", "decimal128(38, 0)" }));
        RecordBatch batch = frame.Partitions[0];
        Assert.That(DecimalConversion.ToText((FixedSizeBinaryArray)batch.Column(0), 0), Is.EqualTo(wide));
        Assert.That(DecimalConversion.ToText((FixedSizeBinaryArray)batch.Column(0), 1), Is.EqualTo("-1.000"));
        Assert.That(DecimalConversion.ToText((FixedSizeBinaryArray)batch.Column(1), 0), Is.EqualTo("123456789012345678901234"));
    }

    [TestCase("1.005", "'1.005' is not a value of type decimal128(38, 2)")]
    [TestCase("1e-5", "'1e-5' is not a value of type decimal128(38, 2)")]
    [TestCase("1234567890123456789012345678901234567.5", "is not a value of type decimal128(38, 2)")]
    public void LoadCsv_InferDecimals_ALaterValueThatDoesNotFit_ThrowsWithLineAndColumn(string later, string problem)
    {
        var options = new CsvOptions { InferDecimals = true, InferenceRows = 2 };

        var e = Assert.Throws<CsvFormatException>(() => Load($"id,amount\n1,1.50\n2,2.25\n3,{later}\n", options))!;

        Assert.That((e.LineNumber, e.Column), Is.EqualTo((4L, "amount")));
        Assert.That(e.Message, Does.Contain(problem).And.Contain("InferenceRows"));
    }

    [Test]
    public void LoadCsv_DecimalSchema_PlainTextsAreExactTrailingZerosBeyondTheScaleAccepted_PrecisionChecked()
    {
        var schema = new Schema([new Field("d", new Decimal128Type(5, 2), true)], null);

        ArrowFrame frame = Load("d\n123.40\n-0.010\n+.5\n7.\n", new CsvOptions { Schema = schema });
        Assert.That(frame.Column<decimal?>("d").ToArray(), Is.EqualTo(new decimal?[] { 123.40m, -0.01m, 0.5m, 7m }));

        var e = Assert.Throws<CsvFormatException>(() => Load("d\n1234.5\n", new CsvOptions { Schema = schema }))!;
        Assert.That(e.Message, Does.Contain("'1234.5' is not a value of type decimal128(5, 2)"));
    }

    [Test]
    public void LoadCsv_NullInNonNullableSchemaColumn_Throws()
    {
        var options = new CsvOptions { Schema = new Schema([new Field("a", Int64Type.Default, false)], null) };

        Assert.That(() => Load("a\n1\n\n,\n", options), Throws.TypeOf<CsvFormatException>());
        Assert.That(() => Load("a\n1\n\"\"\n", options), Throws.TypeOf<CsvFormatException>().With.Property(nameof(CsvFormatException.LineNumber)).EqualTo(3));
    }

    [Test]
    public void LoadCsv_UnsupportedSchemaType_ThrowsNotSupported()
    {
        var options = new CsvOptions { Schema = new Schema([new Field("a", new ListType(new Field("item", Int32Type.Default, true)), true)], null) };

        Assert.That(() => Load("a\n1\n", options), Throws.TypeOf<NotSupportedException>());
    }

    [Test]
    public void ReadCsvPartitions_StreamsBatchesOfPartitionRows()
    {
        string csv = "n\n" + string.Concat(Enumerable.Range(0, 10).Select(i => i + "\n"));

        RecordBatch[] batches = [.. ArrowFrame.ReadCsvPartitions(new MemoryStream(Encoding.UTF8.GetBytes(csv)), new CsvOptions { PartitionRows = 4, InferenceRows = 6 })];

        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(batches.SelectMany(b => ((Int64Array)b.Column(0)).Values.ToArray()), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
    }

    [Test]
    public void ReadCsvPartitions_OpensTheFileOnlyWhenEnumerated()
    {
        string path = Path.Combine(Path.GetTempPath(), $"databridge-lazy-{Guid.NewGuid():N}.csv");
        IEnumerable<RecordBatch> batches = ArrowFrame.ReadCsvPartitions(path);
        File.WriteAllText(path, "a\n1\n");
        try
        {
            Assert.That(batches.Single().Length, Is.EqualTo(1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task ReadCsvPartitionsAsync_SameBatchesAsSync()
    {
        string csv = "n,s\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},\"v\n{i}\"\n"));
        var batches = new List<RecordBatch>();

        await foreach (RecordBatch b in ArrowFrame.ReadCsvPartitionsAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Tiny(new CsvOptions { PartitionRows = 30 })))
        {
            batches.Add(b);
        }

        Assert.That(batches.Select(b => b.Length), Is.EqualTo(new[] { 30, 30, 30, 10 }));
        Assert.That(((StringArray)batches[3].Column(1)).GetString(9), Is.EqualTo("v\n99"));
    }

    [Test]
    public void SaveCsv_ThenLoadCsv_GivesTheSameValues()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(
            ("i", new long?[] { 1, null, -3 }),
            ("d", new double[] { 0.1, double.NaN, -1e-300 }),
            ("s", new[] { "plain", "", null }),
            ("q", new[] { "a,b", "say \"x\"", "two\nlines" }),
            ("b", new bool?[] { true, null, false }),
            ("day", new DateOnly[] { new(2024, 1, 2), DateOnly.MinValue, DateOnly.MaxValue }),
            ("t", new DateTime[] { new(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified), DateTime.MinValue, new DateTime(2000, 1, 1).AddTicks(10) }));
        using var stream = new MemoryStream();

        frame.SaveCsv(stream);
        stream.Position = 0;
        ArrowFrame back = ArrowFrame.LoadCsv(stream);

        Assert.That(back.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[] { "int64", "float64", "utf8", "utf8", "bool", "date32", "timestamp[us]" }));
        foreach (string name in frame.Columns)
        {
            Assert.That(back[name].Cast<object?>(), Is.EqualTo(frame[name].Cast<object?>()), name);
        }
    }

    [Test]
    public void SaveCsv_QuotesOnlyWhatNeedsIt()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("a", new[] { "x", "", null, "a;b" }), ("b", new[] { 1, 2, 3, 4 }));
        using var stream = new MemoryStream();

        frame.SaveCsv(stream, new CsvOptions { Separator = ';', NewLine = "\r\n" });

        Assert.That(Encoding.UTF8.GetString(stream.ToArray()), Is.EqualTo("a;b\r\nx;1\r\n\"\";2\r\n;3\r\n\"a;b\";4\r\n"));
    }

    [Test]
    [CancelAfter(120_000)]
    public void ReadCsvPartitions_LargeFile_PeakMemoryFarBelowFileSize()
    {
        const long targetBytes = 200L << 20;
        string path = Path.Combine(Path.GetTempPath(), $"databridge-large-{Guid.NewGuid():N}.csv");
        try
        {
            long fileBytes = WriteLargeCsv(path, targetBytes);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0;
            long rows = 0;
            var watch = Stopwatch.StartNew();
            int batches = 0;

            foreach (RecordBatch batch in ArrowFrame.ReadCsvPartitions(path, new CsvOptions { PartitionRows = 65536 }))
            {
                rows += batch.Length;

                // Sample the live heap every few partitions (after a collection: garbage not yet collected is not
                // held, and counting it made the figure depend on when the GC happened to run); each batch is
                // dropped after use, as a streaming consumer would.
                if (++batches % 8 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                }
            }

            TestContext.Out.WriteLine($"file {fileBytes / (1 << 20)} MiB, {rows} rows, {batches} partitions, peak live managed growth {peak / (1 << 20)} MiB, {watch.Elapsed.TotalSeconds:F1} s");
            Assert.That(rows, Is.EqualTo(RowsWritten));
            Assert.That(peak, Is.LessThan(fileBytes / 4), "streaming must hold about one partition, not the file");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long RowsWritten;

    private static long WriteLargeCsv(string path, long targetBytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,name,price,day,flag\n");
        long rows = 0;
        var sb = new StringBuilder();
        while (writer.BaseStream.Length < targetBytes)
        {
            sb.Clear();
            for (int i = 0; i < 10000; i++, rows++)
            {
                sb.Append(rows).Append(",\"customer, number ").Append(rows % 9973).Append("\",").Append((rows % 100000) / 100.0)
                  .Append(',').Append("2024-0").Append(1 + (rows % 9)).Append("-1").Append(rows % 10).Append(',').Append(rows % 2 == 0 ? "true" : "false").Append('\n');
            }

            writer.Write(sb);
            writer.Flush();
        }

        RowsWritten = rows;
        return new FileInfo(path).Length;
    }
}
