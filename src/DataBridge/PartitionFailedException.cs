namespace DataBridge;

/// <summary>
/// A partition of <see cref="PythonBridge.MapPartitionsAsync(IReadOnlyList{IEnumerable{RecordBatch}}, string, RunContext?, int, CancellationToken)"/>
/// failed. It names the partition, carries the cause (<see cref="Exception.InnerException"/>, e.g. a
/// <see cref="PythonWorkerException"/>) and every result that did complete, so nothing already computed is lost.
/// </summary>
public class PartitionFailedException : DataBridgeException
{
    /// <summary>Creates the exception.</summary>
    public PartitionFailedException()
    {
        CompletedResults = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    public PartitionFailedException(string message)
        : base(message)
    {
        CompletedResults = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PartitionFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        CompletedResults = [];
    }

    /// <summary>Creates the exception for a failed partition.</summary>
    /// <param name="partition">The index of the (first) failed partition.</param>
    /// <param name="innerException">Why it failed.</param>
    /// <param name="completedResults">One slot per partition: its result when it completed, else null.</param>
    public PartitionFailedException(int partition, Exception innerException, IReadOnlyList<RunResult?> completedResults)
        : base($"Partition {partition} failed: {innerException?.Message}", innerException)
    {
        Partition = partition;
        CompletedResults = completedResults ?? [];
    }

    /// <summary>The index of the partition that failed (the lowest one when several did; the others are the null slots of <see cref="CompletedResults"/>).</summary>
    public int Partition { get; }

    /// <summary>One slot per partition, in partition order: the result of each partition that completed, null for the others.</summary>
    public IReadOnlyList<RunResult?> CompletedResults { get; }

    /// <inheritdoc />
    public override bool IsTransient => InnerException is DataBridgeException { IsTransient: true };
}
