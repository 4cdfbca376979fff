using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 4, acceptance 1: identity, filter and aggregate transforms through real Python workers, with pandas
/// and with column objects only (<c>DATA_MANAGER_NO_NUMPY=1</c>).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class PythonBridgeTransformTests
{
    private static readonly string? GoldDirectory = Interop.Oracle.InteropDirectory is { } shared ? Path.Combine(shared, "gold") : null;

    // Streams the codecs refuse by design (view types, run-end encoding, compression, big-endian).
    private static readonly string[] Refused = ["view", "run_end", "compressed", "lz4", "zstd", "big_endian", "bigendian", "list_view"];

    private PythonBridge? _pandas;
    private PythonBridge? _plain;

    private static IEnumerable<string> GoldStreams() =>
        GoldDirectory is not null && Directory.Exists(GoldDirectory)
            ? Directory.EnumerateFiles(GoldDirectory, "*.stream").Where(f => !Refused.Any(r => Path.GetFileName(f).Contains(r, StringComparison.Ordinal))).Order().Select(f => Path.GetFileName(f))
            : ["(gold directory absent)"];

    [OneTimeSetUp]
    public void SetUp()
    {
        PythonBridgeOptions pandas = PythonEnvironment.Options();
        _pandas = new PythonBridge(pandas);
        PythonBridgeOptions plain = PythonEnvironment.Options();
        plain.Environment["DATA_MANAGER_NO_NUMPY"] = "1";
        _plain = new PythonBridge(plain);
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _pandas!.DisposeAsync();
        await _plain!.DisposeAsync();
    }

    [TestCaseSource(nameof(GoldStreams))]
    public async Task Identity_GoldStreamThroughColumnObjects_ComesBackUnchanged(string file)
    {
        PythonEnvironment.RequireWorkers();
        if (GoldDirectory is null || !File.Exists(Path.Combine(GoldDirectory, file)))
        {
            Assert.Ignore("../shared/arrow-interop/gold is absent next to the repository: no gold streams.");
        }

        string path = Path.Combine(GoldDirectory, file);

        byte[] bytes = await File.ReadAllBytesAsync(path);
        using var expectedReader = new ArrowIpcReader(bytes);
        List<RecordBatch> expected = [.. expectedReader.ReadRecordBatches()];

        using RunResult result = await _plain!.RunAsync(new MemoryStream(bytes), "data_manager.set_output(data_manager.fetch_once_as_batches())");

        Assert.That(result.Batches, Has.Count.EqualTo(expected.Count));
        if (expected.Count > 0)
        {
            Assert.That(ArrowTypeEquality.Equal(new StructType(expectedReader.Schema.FieldsList), new StructType(result.Schema.FieldsList)), Is.True, $"schema {result.Schema}");
        }

        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(ArrayDataComparer.FirstDifference(expected[i], result.Batches[i]), Is.Null, $"batch {i}");
        }
    }

    [Test]
    public async Task Identity_NullableIntegersFloatsBooleansStringsTimestampsThroughPandas_ComeBackUnchanged()
    {
        PythonEnvironment.RequirePandas();
        const int Rows = 20;
        var i8 = new Int8Array.Builder();
        var i16 = new Int16Array.Builder();
        var i32 = new Int32Array.Builder();
        var u8 = new UInt8Array.Builder();
        var u64 = new UInt64Array.Builder();
        var f32 = new FloatArray.Builder();
        var flag = new BooleanArray.Builder();
        var text = new StringArray.Builder();
        var tsType = new TimestampType(TimeUnit.Nanosecond, "UTC");
        var ts = new Int64Array.Builder(); // nanosecond counts, finer than DateTimeOffset's ticks
        for (int i = 0; i < Rows; i++)
        {
            bool isNull = i % 5 == 3;
            if (isNull)
            {
                i8.AppendNull();
                i16.AppendNull();
                i32.AppendNull();
                u8.AppendNull();
                u64.AppendNull();
                f32.AppendNull();
                flag.AppendNull();
                text.AppendNull();
                ts.AppendNull();
                continue;
            }

            i8.Append((sbyte)(i - 10));
            i16.Append((short)(i * -1000));
            i32.Append(i * 100_000);
            u8.Append((byte)(250 + (i % 5)));
            u64.Append(ulong.MaxValue - (ulong)i);
            f32.Append(i / 4f);
            flag.Append(i % 2 == 0);
            text.Append("é" + i);
            ts.Append(1_700_000_000_000_000_000L + (i * 1_000_000_007L));
        }

        var schema = new Schema(
        [
            new Field("i8", Int8Type.Default, true), new Field("i16", Int16Type.Default, true), new Field("i32", Int32Type.Default, true),
            new Field("u8", UInt8Type.Default, true), new Field("u64", UInt64Type.Default, true), new Field("f32", FloatType.Default, true),
            new Field("flag", BooleanType.Default, true), new Field("text", StringType.Default, true), new Field("ts", tsType, true),
        ], null);
        var input = new RecordBatch(schema, [i8.Build(), i16.Build(), i32.Build(), u8.Build(), u64.Build(), f32.Build(), flag.Build(), text.Build(), Timestamps(tsType, ts.Build())], Rows);

        using RunResult result = await _pandas!.RunAsync(
            [input],
            """
            df = data_manager.fetch_once_as_dataframe()
            assert str(df["i8"].dtype) == "Int8" and str(df["u64"].dtype) == "UInt64", df.dtypes
            data_manager.set_output(df)
            """);

        Assert.That(result.Batches, Has.Count.EqualTo(1));
        Assert.That(ArrayDataComparer.FirstDifference(input, result.Batches[0]), Is.Null);
    }

    // Issue 13, item 3: the README's streaming pattern (a generator of frames) and a list of frames, with a
    // column all missing in the first or in the last frame, come back as one int64 schema with nulls there.
    [TestCase("iter", true, TestName = "OutputSchema_StreamedFramesFirstAllNull_ColumnTakesTheLaterFramesType")]
    [TestCase("list", true, TestName = "OutputSchema_CollectedFramesFirstAllNull_ColumnTakesTheLaterFramesType")]
    [TestCase("iter", false, TestName = "OutputSchema_StreamedFramesLastAllNull_ColumnKeepsItsTypeWithNulls")]
    [TestCase("list", false, TestName = "OutputSchema_CollectedFramesLastAllNull_ColumnKeepsItsTypeWithNulls")]
    public async Task OutputSchema_FramesWithAnAllNullColumn_AreOneSchemaWithNulls(string form, bool nullFirst)
    {
        PythonEnvironment.RequirePandas();
        string frames = nullFirst ? "[None, None], [1, 2]" : "[1, 2], [None, None]";
        using RunResult result = await _pandas!.RunAsync(
            [],
            $$"""
            import pandas as pd
            def frames():
                for k, values in enumerate([{{frames}}]):
                    yield pd.DataFrame({"k": [k, k], "v": values})
            data_manager.set_output({{form}}(frames()))
            """);

        Field v = result.Schema.FieldsList.Single(f => f.Name == "v");
        Assert.That(ArrowTypeEquality.Equal(v.DataType, Int64Type.Default), Is.True, $"v is {ArrowTypeText.Of(v.DataType)}");
        long?[] values = [.. result.Batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((Int64Array)b.Column("v")).GetValue(i)))];
        Assert.That(values, Is.EqualTo(nullFirst ? new long?[] { null, null, 1, 2 } : new long?[] { 1, 2, null, null }));
    }

    [Test]
    public async Task Identity_ThroughPandasDataFrame_ReturnsTheSameColumns()
    {
        PythonEnvironment.RequirePandas();
        RecordBatch input = Batches.Sample(50);

        using RunResult result = await _pandas!.RunAsync([input], "data_manager.set_output(data_manager.fetch_once_as_dataframe())");

        Assert.That(result.Batches, Has.Count.EqualTo(1));
        Assert.That(ArrayDataComparer.FirstDifference(input, result.Batches[0]), Is.Null);
    }

    [Test]
    public async Task Filter_WithPandas_KeepsExactlyTheRowsPandasSelects()
    {
        PythonEnvironment.RequirePandas();

        using RunResult result = await _pandas!.RunAsync(
            [Batches.Sample(40), Batches.Sample(40, start: 40)],
            """
            import pandas as pd
            parts = [df[df["flag"] & (df["value"] > 10.0)] for df in data_manager.fetch_once()]
            data_manager.set_output(pd.concat(parts, ignore_index=True))
            """);

        long[] expected = [.. Enumerable.Range(0, 80).Where(i => i % 2 == 0 && i * 1.5 > 10.0).Select(i => (long)i)];
        Assert.That(Batches.Int64s(result, "id"), Is.EqualTo(expected));
        Assert.That(Batches.Strings(result, "name"), Is.EqualTo(expected.Select(i => i % 7 == 6 ? null : "n" + i)));
    }

    [Test]
    public async Task Aggregate_WithPandas_GivesTheGroupSumsAndCounts()
    {
        PythonEnvironment.RequirePandas();

        using RunResult result = await _pandas!.RunAsync(
            [Batches.Sample(100)],
            """
            df = data_manager.fetch_once_as_dataframe()
            out = df.groupby("key", as_index=False).agg(total=("id", "sum"), n=("name", "count"))
            data_manager.set_output(out)
            """);

        long[] keys = Batches.Int64s(result, "key");
        Assert.That(keys, Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(Batches.Int64s(result, "total"), Is.EqualTo(keys.Select(k => Enumerable.Range(0, 100).Where(i => i % 3 == k).Sum(i => (long)i))));
        Assert.That(Batches.Int64s(result, "n"), Is.EqualTo(keys.Select(k => (long)Enumerable.Range(0, 100).Count(i => i % 3 == k && i % 7 != 6))));
    }

    [Test]
    public async Task FilterAndAggregate_WithColumnObjectsOnly_GiveTheSameAnswers()
    {
        PythonEnvironment.RequireWorkers();

        using RunResult filtered = await _plain!.RunAsync(
            [Batches.Sample(40), Batches.Sample(40, start: 40)],
            """
            rows = [r for r in data_manager.fetch_once_as_rows() if r["flag"] and r["value"] > 10.0]
            data_manager.build_result(rows)
            """);
        using RunResult aggregated = await _plain.RunAsync(
            [Batches.Sample(100)],
            """
            totals = {}
            for batch in data_manager.fetch_once():
                keys = batch.column("key").to_pylist()
                ids = batch.column("id").to_pylist()
                for k, i in zip(keys, ids):
                    totals[k] = totals.get(k, 0) + i
            data_manager.set_output({"key": sorted(totals), "total": [totals[k] for k in sorted(totals)]})
            """);

        Assert.That(Batches.Int64s(filtered, "id"), Is.EqualTo(Enumerable.Range(0, 80).Where(i => i % 2 == 0 && i * 1.5 > 10.0).Select(i => (long)i)));
        Assert.That(Batches.Int64s(aggregated, "total"), Is.EqualTo(new long[] { 0, 1, 2 }.Select(k => Enumerable.Range(0, 100).Where(i => i % 3 == k).Sum(i => (long)i))));
    }

    [Test]
    public async Task Input_LargerThanBatchBounds_IsResliced()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.MaxBatchRows = 1000;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync(
            [Batches.Sample(4500)],
            "data_manager.set_output({'rows': [b.num_rows for b in data_manager.fetch_once_as_batches()]})");

        Assert.That(Batches.Int64s(result, "rows"), Is.EqualTo(new long[] { 1000, 1000, 1000, 1000, 500 }));
    }

    [Test]
    public async Task RunStreamingAsync_YieldsEveryOutputBatch()
    {
        PythonEnvironment.RequireWorkers();
        long rows = 0;
        int batches = 0;

        await foreach (RecordBatch batch in _plain!.RunStreamingAsync([Batches.Sample(10)], "data_manager.set_output({'x': list(range(250000))})"))
        {
            rows += batch.Length;
            batches++;
            batch.Dispose();
        }

        Assert.That(rows, Is.EqualTo(250_000));
        Assert.That(batches, Is.GreaterThanOrEqualTo(4), "65,536-row output batches");
    }

    private static TimestampArray Timestamps(TimestampType type, Int64Array counts) =>
        new(new ArrayData(type, counts.Length, counts.NullCount, counts.Offset, counts.Data.Buffers, []));
}
