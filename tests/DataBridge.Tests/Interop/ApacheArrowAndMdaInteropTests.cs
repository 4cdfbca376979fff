using Apache.Arrow;
using Microsoft.Data.Analysis;
using DataBridge;
using Apache.Arrow.Ipc;
using DataBridge.Ipc;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 12, acceptance 1: with <c>using Apache.Arrow; using Microsoft.Data.Analysis; using DataBridge;</c> and no
/// alias, an Apache.Arrow batch, an Apache.Arrow <see cref="IArrowArrayStream"/>, an MDA frame and an Arrow file go
/// through a pandas transform and come back as the same kind of object with exactly the expected values.
/// </summary>
/// <remarks>
/// This file lies in a namespace under <c>DataBridge</c>, where a public type of the SDK would silently win over a
/// type of the same name imported by the usings instead of failing with CS0104; <see cref="PublicTypes_ShareNoNameWithApacheArrowOrMda"/>
/// checks by reflection what the compiler would check in a user's console app.
/// </remarks>
[TestFixture]
[CancelAfter(120_000)]
public sealed class ApacheArrowAndMdaInteropTests
{
    // The input columns unchanged, plus x2 = 2 x (null where x is null) and n = the row number.
    private const string Transform = """
        df = data_manager.fetch_once_as_dataframe()
        df["x2"] = df["x"] * 2
        df["n"] = range(len(df))
        data_manager.set_output(df)
        """;

    private static readonly Decimal128Type Money = new(18, 2);

    private static readonly long[] Ids = [1, -2, 3_000_000_000_000, long.MinValue, long.MaxValue];
    private static readonly double?[] Xs = [0.5, null, -1e300, 3.25, null];
    private static readonly string?[] Texts = ["grüße", null, "日本語", "", "🙂 emoji"];
    private static readonly bool[] Flags = [true, false, false, true, true];
    private static readonly decimal?[] Amounts = [12.34m, -0.01m, null, 9_999_999_999_999_999.99m, 0m];

    private PythonBridge? _bridge;

    [OneTimeSetUp]
    public void SetUp() => _bridge = new PythonBridge(PythonEnvironment.Options());

    [OneTimeTearDown]
    public async Task TearDown() => await _bridge!.DisposeAsync();

    [Test]
    public async Task RunAsync_ApacheRecordBatch_ThroughPandas_ComesBackAsRecordBatchesWithEqualValues()
    {
        PythonEnvironment.RequirePandas();
        RecordBatch input = Sample();

        using RunResult result = await _bridge!.RunAsync([input], Transform);

        AssertTransformed(result.Batches);
    }

    [Test]
    public async Task RunAsync_ApacheArrowStreamReader_ThroughPandas_ComesBackAsAnArrowStreamApacheReads()
    {
        PythonEnvironment.RequirePandas();
        using var written = new MemoryStream();
        using (var writer = new ArrowStreamWriter(written, Sample().Schema, leaveOpen: true))
        {
            RecordBatch sample = Sample();
            await writer.WriteRecordBatchAsync(sample.Slice(0, 2));
            await writer.WriteRecordBatchAsync(sample.Slice(2, 3));
            await writer.WriteEndAsync();
        }

        written.Position = 0;
        using var input = new ArrowStreamReader(written, leaveOpen: true);
        using RunResult result = await _bridge!.RunAsync((IArrowArrayStream)input, Transform);

        // Back as a stream: the result written by the SDK, read by Apache.Arrow's own reader.
        using var back = new MemoryStream();
        WriteIpc(back, result, fileFormat: false);
        back.Position = 0;
        using var reader = new ArrowStreamReader(back);
        AssertTransformed(await ReadAllAsync(reader));
    }

    [Test]
    public async Task RunAsync_ArrowFileWrittenByApache_ReaderDetectsTheFileMagic_ComesBackAsAnArrowFileApacheReads()
    {
        PythonEnvironment.RequirePandas();
        string directory = Directory.CreateTempSubdirectory("databridge-arrow-file-").FullName;
        try
        {
            string inputPath = Path.Combine(directory, "input.arrow");
            await using (FileStream file = File.Create(inputPath))
            {
                using var writer = new ArrowFileWriter(file, Sample().Schema, leaveOpen: true);
                await writer.WriteRecordBatchAsync(Sample());
                await writer.WriteEndAsync();
            }

            RunResult result;
            await using (FileStream file = File.OpenRead(inputPath))
            {
                Assert.That(ReadMagic(file), Is.EqualTo("ARROW1"), "the input is the Arrow file format");
                result = await _bridge!.RunAsync(file, Transform);
            }

            using (result)
            {
                string outputPath = Path.Combine(directory, "output.arrow");
                await using (FileStream file = File.Create(outputPath))
                {
                    WriteIpc(file, result, fileFormat: true);
                }

                await using FileStream output = File.OpenRead(outputPath);
                Assert.That(ReadMagic(output), Is.EqualTo("ARROW1"), "the output is the Arrow file format");
                using var reader = new ArrowFileReader(output);
                AssertTransformed(await ReadAllAsync(reader));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task RunAsync_MdaDataFrame_ThroughPandas_ComesBackAsDataFrameWithEqualValues()
    {
        PythonEnvironment.RequirePandas();
        int?[] counts = [7, null, -3, null, int.MaxValue];
        DateTime[] times =
        [
            new(2024, 2, 29, 13, 45, 12, 345, DateTimeKind.Unspecified),
            new(1999, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified),
            new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
            new(2262, 4, 10, 6, 30, 0, DateTimeKind.Unspecified),
            new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddTicks(-10),
        ];
        var input = new DataFrame(
            new Int32DataFrameColumn("count", counts),
            new Int64DataFrameColumn("id", Ids),
            new DoubleDataFrameColumn("x", Xs),
            new StringDataFrameColumn("text", Texts),
            new BooleanDataFrameColumn("flag", Flags),
            new DateTimeDataFrameColumn("when", times.Select(t => (DateTime?)t)),
            new DecimalDataFrameColumn("amount", Amounts));

        DataFrame output = await _bridge!.RunAsync(input, Transform);

        Assert.That(output.Columns.Select(c => c.Name), Is.EqualTo(new[] { "count", "id", "x", "text", "flag", "when", "amount", "x2", "n" }));
        Assert.That(output.Rows.Count, Is.EqualTo(Ids.Length));
        for (int c = 0; c < input.Columns.Count; c++)
        {
            DataFrameColumn expected = input.Columns[c];
            DataFrameColumn actual = output.Columns[c];
            Assert.That(actual.GetType(), Is.EqualTo(expected.GetType()), expected.Name);
            Assert.That(actual.Cast<object?>(), Is.EqualTo(expected.Cast<object?>()), expected.Name);
            Assert.That(actual.NullCount, Is.EqualTo(expected.NullCount), expected.Name);
        }

        Assert.That(output.Columns.GetDateTimeColumn("when").Select(t => t!.Value.Ticks), Is.EqualTo(times.Select(t => t.Ticks)), "the time of day, to the tick");
        Assert.That(output.Columns.GetDoubleColumn("x2"), Is.EqualTo(Xs.Select(x => x * 2)));
        Assert.That(output.Columns.GetInt64Column("n"), Is.EqualTo(Enumerable.Range(0, Ids.Length).Select(i => (long?)i)));
    }

    [Test]
    public void PublicTypes_ShareNoNameWithApacheArrowOrMda()
    {
        HashSet<string> theirs =
        [
            .. typeof(RecordBatch).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(SimpleName),
            .. typeof(DataFrame).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(SimpleName),
        ];

        string[] clashes = [.. typeof(PythonBridge).Assembly.GetExportedTypes().Where(t => !t.IsNested && theirs.Contains(SimpleName(t))).Select(t => t.FullName!).Order()];

        Assert.That(clashes, Is.Empty, "public DataBridge types a file with using Apache.Arrow/Microsoft.Data.Analysis/DataBridge could not name");
    }

    // id int64 not null, x double (nulls), text utf8 (non-ASCII, nulls), flag bool, amount decimal128(18, 2) (a null).
    private static RecordBatch Sample()
    {
        var x = new DoubleArray.Builder();
        foreach (double? value in Xs)
        {
            if (value is { } v)
            {
                x.Append(v);
            }
            else
            {
                x.AppendNull();
            }
        }

        var amount = new Decimal128Array.Builder(Money);
        foreach (decimal? value in Amounts)
        {
            if (value is { } v)
            {
                amount.Append(v);
            }
            else
            {
                amount.AppendNull();
            }
        }

        return new RecordBatch.Builder()
            .Append("id", false, new Int64Array.Builder().AppendRange(Ids).Build())
            .Append("x", true, x.Build())
            .Append("text", true, new StringArray.Builder().AppendRange(Texts).Build())
            .Append("flag", false, new BooleanArray.Builder().AppendRange(Flags).Build())
            .Append("amount", true, amount.Build())
            .Build();
    }

    private static void AssertTransformed(IReadOnlyList<RecordBatch> batches)
    {
        Assert.That(batches.Sum(b => b.Length), Is.EqualTo(Ids.Length));
        Schema schema = batches[0].Schema;
        Assert.That(schema.FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "id", "x", "text", "flag", "amount", "x2", "n" }));
        Assert.That(Values(batches, "id"), Is.EqualTo(Ids.Select(v => (object?)v)));
        Assert.That(Values(batches, "x"), Is.EqualTo(Xs.Select(v => (object?)v)));
        Assert.That(Values(batches, "text"), Is.EqualTo(Texts));
        Assert.That(Values(batches, "flag"), Is.EqualTo(Flags.Select(v => (object?)v)));
        Assert.That(Values(batches, "amount"), Is.EqualTo(Amounts.Select(v => (object?)v)));
        Assert.That(Values(batches, "x2"), Is.EqualTo(Xs.Select(v => (object?)(v * 2))));
        Assert.That(Values(batches, "n"), Is.EqualTo(Enumerable.Range(0, Ids.Length).Select(i => (object?)(long)i)));
    }

    // The column's values across batches as CLR values (null for null), so types of equal values compare equal.
    private static List<object?> Values(IReadOnlyList<RecordBatch> batches, string column)
    {
        var values = new List<object?>();
        foreach (RecordBatch batch in batches)
        {
            IArrowArray array = batch.Column(column);
            for (int i = 0; i < array.Length; i++)
            {
                values.Add(array switch
                {
                    _ when array.IsNull(i) => null,
                    Int64Array a => (object?)a.GetValue(i),
                    DoubleArray a => a.GetValue(i),
                    StringArray a => a.GetString(i),
                    BooleanArray a => a.GetValue(i),
                    Decimal128Array a => a.GetValue(i),
                    _ => throw new AssertionException($"column {column} came back as {array.Data.DataType.Name}"),
                });
            }
        }

        return values;
    }

    private static void WriteIpc(Stream destination, RunResult result, bool fileFormat)
    {
        using var writer = new ArrowIpcWriter(destination, result.Schema, new ArrowIpcWriterOptions { FileFormat = fileFormat }, leaveOpen: true);
        foreach (RecordBatch batch in result.Batches)
        {
            writer.WriteRecordBatch(batch);
        }

        writer.WriteEnd();
    }

    private static async Task<List<RecordBatch>> ReadAllAsync(IArrowArrayStream stream)
    {
        var batches = new List<RecordBatch>();
        while (await stream.ReadNextRecordBatchAsync() is { } batch)
        {
            batches.Add(batch);
        }

        return batches;
    }

    private static string ReadMagic(Stream stream)
    {
        byte[] magic = new byte[6];
        stream.ReadExactly(magic);
        stream.Position = 0;
        return System.Text.Encoding.ASCII.GetString(magic);
    }

    private static string SimpleName(Type type) => type.Name.Split('`')[0];
}
