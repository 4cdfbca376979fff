using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 12: batch custom metadata and dictionary deltas/replacements survive the whole bridge, .NET → Python worker →
/// .NET, both through a pandas transform and through the record-batch API (which works without pandas).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class MetadataAndDictionariesThroughTheBridgeTests
{
    private static readonly KeyValuePair<string, string>[] First = [new("source", "part-0"), new("note", "grüße 🙂")];
    private static readonly KeyValuePair<string, string>[] Third = [new("source", "part-2")];

    private PythonBridge? _bridge;

    [OneTimeSetUp]
    public void SetUp() => _bridge = new PythonBridge(PythonEnvironment.Options());

    [OneTimeTearDown]
    public async Task TearDown() => await _bridge!.DisposeAsync();

    [Test]
    public async Task BatchCustomMetadata_ThroughAPandasTransform_ComesBackOnTheMatchingOutputBatches()
    {
        PythonEnvironment.RequirePandas();
        const string code = """
            frames = []
            for df in data_manager.fetch_once():
                df["s"] = df["a"] * 10
                frames.append(df)
            data_manager.set_output(frames)
            """;

        using RunResult result = await _bridge!.RunAsync(ThreeBatchesWithMetadata(), code);

        Assert.That(result.Batches, Has.Count.EqualTo(3));
        Assert.That(result.Batches[0].GetCustomMetadata(), Is.EqualTo(First));
        Assert.That(result.Batches[1].GetCustomMetadata(), Is.Empty);
        Assert.That(result.Batches[2].GetCustomMetadata(), Is.EqualTo(Third));
        Assert.That(Int64s(result, "s"), Is.EqualTo(new long[] { 10, 20, 30, 40 }));
    }

    [Test]
    public async Task BatchCustomMetadata_ThroughTheRecordBatchApi_ComesBackUnchanged_WithOrWithoutPandas()
    {
        PythonEnvironment.RequireWorkers();
        const string code = "data_manager.set_output(list(data_manager.fetch_once_as_batches()))";

        using RunResult result = await _bridge!.RunAsync(ThreeBatchesWithMetadata(), code);

        Assert.That(result.Batches.Select(b => b.GetCustomMetadata()), Is.EqualTo(new[] { First, [], Third }));
        Assert.That(Int64s(result, "a"), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task PythonWrittenBatchMetadata_ReachesTheDotNetBatches()
    {
        PythonEnvironment.RequirePandas();
        const string code = """
            import pandas as pd
            df = pd.DataFrame({"x": [1, 2]})
            df.attrs["databridge.metadata"] = {"model": "v7", "rows": "2"}
            data_manager.set_output(df)
            """;

        using RunResult result = await _bridge!.RunAsync(Array.Empty<RecordBatch>(), code);

        Assert.That(result.Batches.Single().GetCustomMetadata(),
            Is.EqualTo(new KeyValuePair<string, string>[] { new("model", "v7"), new("rows", "2") }));
    }

    [Test]
    public async Task DictionaryDeltaAndReplacement_ThroughAWorker_BothWays_KeepEveryValue()
    {
        PythonEnvironment.RequireWorkers();
        // Batch 2's dictionary extends batch 1's (written as a delta); batch 3's replaces it. The worker returns the
        // batches as they are, so its writer must send the same delta and replacement back.
        const string code = "data_manager.set_output(list(data_manager.fetch_once_as_batches()))";

        using RunResult result = await _bridge!.RunAsync(DictionaryBatches(), code);

        Assert.That(result.Batches.SelectMany(Strings), Is.EqualTo(new[] { "a", "b", "a", "c", "b", "x", "y", "x" }));
        Assert.That(result.Schema.GetFieldByName("k").DataType, Is.InstanceOf<DictionaryType>());
    }

    [Test]
    public async Task DictionaryDeltaAndReplacement_ThroughAPandasTransform_KeepEveryValue()
    {
        PythonEnvironment.RequirePandas();
        const string code = """
            frames = []
            for df in data_manager.fetch_once():
                df["u"] = df["k"].astype(str).str.upper()
                frames.append(df)
            data_manager.set_output(frames)
            """;

        using RunResult result = await _bridge!.RunAsync(DictionaryBatches(), code);

        Assert.That(result.Batches.SelectMany(Strings), Is.EqualTo(new[] { "a", "b", "a", "c", "b", "x", "y", "x" }));
        var upper = result.Batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column("u")).GetString(i)));
        Assert.That(upper, Is.EqualTo(new[] { "A", "B", "A", "C", "B", "X", "Y", "X" }));
    }

    private static RecordBatch[] ThreeBatchesWithMetadata()
    {
        var schema = new Schema([new Field("a", Int64Type.Default, false)], null);
        RecordBatch Batch(params long[] values) =>
            new(schema, [new Int64Array.Builder().AppendRange(values).Build()], values.Length);

        return [Batch(1, 2).WithCustomMetadata(First), Batch(3), Batch(4).WithCustomMetadata(Third)];
    }

    private static RecordBatch[] DictionaryBatches()
    {
        var type = new DictionaryType(Int32Type.Default, StringType.Default, false);
        var schema = new Schema([new Field("k", type, false)], null);
        RecordBatch Batch(string[] dictionary, int[] indices) => new(
            schema,
            [new DictionaryArray(type, new Int32Array.Builder().AppendRange(indices).Build(), new StringArray.Builder().AppendRange(dictionary).Build())],
            indices.Length);

        return
        [
            Batch(["a", "b"], [0, 1, 0]),
            Batch(["a", "b", "c"], [2, 1]),
            Batch(["x", "y"], [0, 1, 0]),
        ];
    }

    private static IEnumerable<string> Strings(RecordBatch batch)
    {
        var column = (DictionaryArray)batch.Column("k");
        var dictionary = (StringArray)column.Dictionary;
        for (int i = 0; i < column.Length; i++)
        {
            long index = column.Indices switch
            {
                Int8Array a => a.GetValue(i)!.Value,
                Int16Array a => a.GetValue(i)!.Value,
                Int32Array a => a.GetValue(i)!.Value,
                Int64Array a => a.GetValue(i)!.Value,
                var other => throw new AssertionException($"unexpected index type {other.Data.DataType}"),
            };
            yield return dictionary.GetString((int)index);
        }
    }

    private static long[] Int64s(RunResult result, string name) =>
        result.Batches.SelectMany(b => ((Int64Array)b.Column(name)).Values.ToArray()).ToArray();
}
