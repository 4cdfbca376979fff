namespace DataBridge;

/// <summary>
/// What a run produced: the output schema and batches, and how the run went. Disposing releases the
/// batches' memory.
/// </summary>
public sealed class RunResult : IDisposable
{
    internal RunResult(Schema schema, IReadOnlyList<RecordBatch> batches, int partition, int workerProcessId, RunTimings timings, bool outputSet = true)
    {
        OutputSet = outputSet;
        Schema = schema;
        Batches = batches;
        Partition = partition;
        WorkerProcessId = workerProcessId;
        Timings = timings;
        long rows = 0;
        foreach (RecordBatch batch in batches)
        {
            rows += batch.Length;
        }

        RowCount = rows;
    }

    /// <summary>
    /// Whether the code called <c>data_manager.set_output</c> (or <c>build_result</c>). False when it never did:
    /// the result is then empty (no columns, no rows) and the bridge logged a warning (event 303) with the run id.
    /// An output set to an empty frame is true.
    /// </summary>
    public bool OutputSet { get; }

    /// <summary>The output schema (empty when the code produced no output).</summary>
    public Schema Schema { get; }

    /// <summary>The output batches, in the order Python wrote them.</summary>
    public IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>Total rows of <see cref="Batches"/>.</summary>
    public long RowCount { get; }

    /// <summary>The partition index (executor mode), 0 in driver mode.</summary>
    public int Partition { get; }

    /// <summary>The pid of the worker process that ran the code.</summary>
    public int WorkerProcessId { get; }

    /// <summary>Where the time went.</summary>
    public RunTimings Timings { get; }

    /// <summary>Releases the memory of every batch.</summary>
    public void Dispose()
    {
        foreach (RecordBatch batch in Batches)
        {
            batch.Dispose();
        }
    }
}
