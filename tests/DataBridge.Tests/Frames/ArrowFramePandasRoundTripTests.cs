using DataBridge.Arrow;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Frames;

/// <summary>
/// POCO → ArrowFrame → Arrow → pandas (a real worker) → Arrow → ArrowFrame → POCO. Skipped when no Python
/// with numpy and pandas is available.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class ArrowFramePandasRoundTripTests
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once_as_dataframe())";

    // Exact even for timestamps outside pandas' nanosecond range: those columns become datetime objects,
    // and the input schema brings every column back as its original type.
    private const string ExactIdentity = """
        from data_manager._pandas import batches_to_pandas
        batches = list(data_manager.fetch_once_as_batches())
        frame = batches_to_pandas(batches, out_of_range_timestamps="object")
        data_manager.set_output(frame, schema=batches[0].schema)
        """;

    /// <summary>Samples whose dates lie in pandas' datetime64[ns] range (1677-09-21 … 2262-04-11).</summary>
    private static AllTypes[] InPandasRange()
    {
        var inRange = new DateTime(2262, 4, 10);
        return
        [
            .. AllTypes.Samples().Select(s => s with
            {
                When = s.When.Year is > 1677 and < 2262 ? s.When : inRange,
                WhenOffset = s.WhenOffset.Year is > 1677 and < 2262 ? s.WhenOffset : new DateTimeOffset(1678, 1, 1, 0, 0, 0, TimeSpan.FromHours(-14)),
                Day = s.Day.Year is > 1677 and < 2262 ? s.Day : new DateOnly(1677, 9, 22),
                NWhen = s.NWhen is { Year: <= 1677 or >= 2262 } ? inRange : s.NWhen,
                NWhenOffset = s.NWhenOffset is { Year: <= 1677 or >= 2262 } ? new DateTimeOffset(2262, 4, 10, 0, 0, 0, TimeSpan.FromHours(14)) : s.NWhenOffset,
                NDay = s.NDay is { Year: <= 1677 or >= 2262 } ? new DateOnly(2262, 4, 10) : s.NDay,
            }),
            new AllTypes { When = inRange, WhenOffset = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), Day = new DateOnly(2000, 1, 1) },
        ];
    }

    [Test]
    public async Task RunAsync_PandasIdentity_EveryMappedTypeComesBackEqual()
    {
        PythonEnvironment.RequirePandas();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        AllTypes[] input = InPandasRange();

        ArrowFrame output = await bridge.RunAsync(ArrowFrame.FromRecords(input), Identity);

        TestContext.Out.WriteLine(output.Schema);
        AssertSame(input, [.. output.ToRecords<AllTypes>()]);
    }

    [Test]
    public async Task RunAsync_PandasWithObjectTimestampsAndSchema_ExtremeValuesComeBackExactly()
    {
        PythonEnvironment.RequirePandas();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        AllTypes[] input = AllTypes.Samples();
        ArrowFrame frame = ArrowFrame.FromRecords(input);

        ArrowFrame output = await bridge.RunAsync(frame, ExactIdentity);

        Assert.That(output.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType))));
        AssertSame(input, [.. output.ToRecords<AllTypes>()]);
    }

    [Test]
    public async Task RunAsync_PandasDefaultOptions_DateOutsideNanosecondRange_RaisesValueErrorInPython()
    {
        PythonEnvironment.RequirePandas();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        ArrowFrame frame = ArrowFrame.FromRecords([new { When = DateTime.MinValue }]);

        var e = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync(frame, Identity))!;

        Assert.That(e.Message, Does.Contain("ValueError"));
    }

    [Test]
    public async Task MapPartitionsAsync_EachPartitionIsATask_OutputsInPartitionOrder()
    {
        PythonEnvironment.RequirePandas();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        ArrowFrame input = ArrowFrame.FromColumns(("id", Enumerable.Range(0, 100).Select(i => (long)i).ToArray())).Repartition(4);

        ArrowFrame output = await bridge.MapPartitionsAsync(input, """
            import pandas as pd
            df = data_manager.fetch_once_as_dataframe()
            data_manager.set_output(df.assign(double=df.id * 2))
            """, parallelism: 2);

        Assert.That(output.Partitions, Has.Count.EqualTo(4));
        Assert.That(output.Column<long>("id").ToArray(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => (long)i)));
        Assert.That(output.Column<long>("double").ToArray(), Is.EqualTo(Enumerable.Range(0, 100).Select(i => 2L * i)));
    }

    [Test]
    public async Task RunAsync_EmptyFrame_PythonSeesTheColumns()
    {
        PythonEnvironment.RequirePandas();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        ArrowFrame input = ArrowFrame.FromColumns(("id", Array.Empty<long>()), ("name", Array.Empty<string>()));

        ArrowFrame output = await bridge.RunAsync(input, """
            import pandas as pd
            df = data_manager.fetch_once_as_dataframe()
            data_manager.set_output(pd.DataFrame({"columns": [",".join(df.columns)]}))
            """);

        Assert.That(output.Column<string>("columns").Single(), Is.EqualTo("id,name"));
    }

    private static void AssertSame(AllTypes[] expected, AllTypes[] actual)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].SameAs(expected[i]), Is.True, $"row {i}:{Environment.NewLine}expected {expected[i]}{Environment.NewLine}actual   {actual[i]}");
        }
    }
}
