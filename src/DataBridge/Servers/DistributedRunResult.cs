namespace DataBridge.Servers;

/// <summary>
/// The outcome of <see cref="PythonBridge.RunDistributedAsync(Schema, IReadOnlyList{IReadOnlyList{RecordBatch}}, string, RunContext?, ModelServer?, CancellationToken)"/>:
/// the result uploaded for every partition, assembled in partition order, and the driver's own output.
/// Disposing it disposes every batch.
/// </summary>
public sealed class DistributedRunResult : IDisposable
{
    internal DistributedRunResult(IReadOnlyList<PartitionResult> partitions, RunResult driver, long duplicateUploads)
    {
        Partitions = partitions;
        Driver = driver;
        DuplicateUploads = duplicateUploads;
        Schema = partitions.Count > 0 ? partitions[0].Schema : Schemas.Empty;
        Batches = [.. partitions.SelectMany(p => p.Batches)];
        RowCount = partitions.Sum(p => p.Rows);
    }

    /// <summary>The schema of partition 0's result (the Python code is expected to give every partition the same).</summary>
    public Schema Schema { get; }

    /// <summary>Every partition's batches, in partition order.</summary>
    public IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>The result of each partition (with its own schema), index = partition.</summary>
    public IReadOnlyList<PartitionResult> Partitions { get; }

    /// <summary>Total rows of all partitions' results.</summary>
    public long RowCount { get; }

    /// <summary>Uploads dropped because their partition already had a result (retried or speculative tasks).</summary>
    public long DuplicateUploads { get; }

    /// <summary>What the driver code itself output (often nothing), with the driver run's timings.</summary>
    public RunResult Driver { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (RecordBatch batch in Batches)
        {
            batch.Dispose();
        }

        Driver.Dispose();
    }
}
