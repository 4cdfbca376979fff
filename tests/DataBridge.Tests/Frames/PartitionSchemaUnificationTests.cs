using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Frames;

/// <summary>Executor-mode outputs whose partitions inferred different types for an all-null column.</summary>
[CancelAfter(120_000)]
public class PartitionSchemaUnificationTests
{
    [Test]
    public async Task MapPartitions_ColumnAllNullInOnePartition_TakesTheTypeOfTheOthers()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options());
        ArrowFrame input = ArrowFrame.FromColumns(("p", new long[] { 0, 1, 2 })).Repartition(3);
        // Partition 0 outputs a column of None (the null type without pandas, float64 NaN with it).
        ArrowFrame output = await bridge.MapPartitionsAsync(input, """
            p = [b.column(0).to_pylist() for b in data_manager.fetch_once_as_batches()][0][0]
            data_manager.set_output({"p": [p], "name": [None if p == 0 else "n%d" % p]})
            """, parallelism: 2);
        Assert.That(output.RowCount, Is.EqualTo(3));
        Assert.That(output.Schema.FieldsList[1].DataType, Is.InstanceOf<StringType>());
        Assert.That(output.Column<string>("name").ToArray(), Is.EqualTo(new[] { null, "n1", "n2" }));
    }
}
