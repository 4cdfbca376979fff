using DataBridge.Parquet;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Parquet;

public class ParquetPandasTests
{
    private const string Transform = """
        import data_manager
        frame = data_manager.fetch_once_as_dataframe()
        frame["total"] = frame["qty"] * frame["price"]
        frame = frame[frame["qty"] % 2 == 0]
        data_manager.set_output(frame[["id", "name", "total"]].reset_index(drop=True))
        """;

    [Test]
    public async Task ReadTransformWrite_ThroughPandasStreaming_WritesTheTransformedRows()
    {
        PythonEnvironment.RequirePandas();
        using var files = new ParquetTestFiles();
        string input = files.NewPath("input");
        string output = files.NewPath("output");
        const int Rows = 30_000;
        var ids = Enumerable.Range(0, Rows).ToArray();
        ArrowFrame source = ArrowFrame.FromColumns(
            ("id", ids.Select(i => (long)i).ToArray()),
            ("name", ids.Select(i => i % 11 == 0 ? null : "n" + i).ToArray()),
            ("qty", ids.Select(i => (long)(i % 9)).ToArray()),
            ("price", ids.Select(i => i % 13 == 0 ? (double?)null : i / 4.0).ToArray()));
        await ParquetBatches.WriteAsync(input, source, new ParquetWriteOptions { RowGroupRows = 10_000 });

        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        // A path in, batches through pandas, batches and a path out: nothing is held but the batches in flight.
        long written = await ParquetBatches.WriteAsync(output, bridge.RunStreamingAsync(ParquetBatches.ReadAsync(input), Transform));

        ArrowFrame back = await ParquetBatches.ReadFrameAsync(output);
        long[] expectedIds = [.. ids.Where(i => i % 9 % 2 == 0).Select(i => (long)i)];
        Assert.That(written, Is.EqualTo(expectedIds.Length));
        Assert.That(back.Columns, Is.EqualTo(new[] { "id", "name", "total" }));
        Assert.That(back.Column<long>("id").ToArray(), Is.EqualTo(expectedIds));
        double?[] totals = back.Column<double?>("total").ToArray();
        for (int k = 0; k < expectedIds.Length; k++)
        {
            long i = expectedIds[k];
            double? expected = i % 13 == 0 ? null : (i % 9) * (i / 4.0);
            Assert.That(totals[k], Is.EqualTo(expected), $"id {i}");
        }

        Assert.That(back.Column<string>("name").ToArray().Count(n => n is null), Is.EqualTo(expectedIds.Count(i => i % 11 == 0)), "nulls survive pandas and Parquet");
    }

    [Test]
    public async Task WriteAsync_RunResult_WritesTheRunsOutput()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new ParquetTestFiles();
        string path = files.NewPath();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        using RunResult result = await bridge.RunAsync([ParquetStreamingTests.Wide(0, 10)], "data_manager.set_output({'x': [1, 2, 3]})");
        long rows = await ParquetBatches.WriteAsync(path, result);

        ArrowFrame back = await ParquetBatches.ReadFrameAsync(path);
        Assert.That(rows, Is.EqualTo(3));
        Assert.That(back.Column<long>("x").ToArray(), Is.EqualTo(new long[] { 1, 2, 3 }));
    }
}
