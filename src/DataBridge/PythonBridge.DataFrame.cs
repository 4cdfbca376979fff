namespace DataBridge;

public sealed partial class PythonBridge
{
    /// <summary>
    /// Runs <paramref name="code"/> over the whole of <paramref name="input"/> in one worker (driver mode):
    /// the partitions are streamed in order, and <c>data_manager.fetch_once()</c> sees them as pandas
    /// DataFrames. The output becomes a frame with one partition per batch Python wrote.
    /// </summary>
    /// <param name="input">The input frame.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the worker; the call ends at once with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The output frame (<see cref="DataFrame.Empty"/> when the code set no output).</returns>
    /// <exception cref="PythonWorkerException">The Python code raised.</exception>
    public async Task<DataFrame> RunAsync(DataFrame input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        RunResult result = await RunAsync(InputBatches(input), code, context, cancellationToken).ConfigureAwait(false);
        return ToFrame([result]);
    }

    /// <summary>
    /// Executor mode over a frame: each partition of <paramref name="input"/> is one Python task in its own
    /// worker run (<c>data_manager.fetch_once()</c> sees that partition only), up to
    /// <paramref name="parallelism"/> at once. The outputs are concatenated in partition order.
    /// </summary>
    /// <param name="input">The input frame; <see cref="DataFrame.Repartition(int)"/> sets the number of tasks.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context shared by every partition, or null.</param>
    /// <param name="parallelism">The most partitions running at once; 0 means <see cref="PythonBridgeOptions.MaxWorkers"/>.</param>
    /// <param name="cancellationToken">Cancelling kills the running workers and ends the call.</param>
    /// <returns>The outputs of all partitions, in partition order (partitions without output contribute nothing).</returns>
    /// <exception cref="PartitionFailedException">A partition failed (the others still ran; their results are on the exception).</exception>
    /// <exception cref="ArgumentException">Partitions produced outputs with different columns.</exception>
    public async Task<DataFrame> MapPartitionsAsync(DataFrame input, string code, RunContext? context = null, int parallelism = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        IEnumerable<RecordBatch>[] partitions = [.. input.Partitions.Select(p => (IEnumerable<RecordBatch>)[p])];
        IReadOnlyList<RunResult> results = await MapPartitionsAsync(partitions, code, context, parallelism, cancellationToken).ConfigureAwait(false);
        return ToFrame(results);
    }

    /// <summary>The frame's partitions, or one empty batch so that a frame without partitions still sends its schema.</summary>
    private static IEnumerable<RecordBatch> InputBatches(DataFrame input) =>
        input.Partitions.Count > 0 || input.ColumnCount == 0 ? input.Partitions : input.Repartition(1).Partitions;

    /// <summary>
    /// The results' batches as one frame. The results are not disposed: the frame keeps their batches
    /// (their memory is released when the frame is collected).
    /// </summary>
    private static DataFrame ToFrame(IEnumerable<RunResult> results)
    {
        RunResult[] withOutput = [.. results.Where(r => r.Schema.Fields.Count > 0)];
        return withOutput.Length == 0
            ? DataFrame.Empty
            : DataFrame.Concat(withOutput.Select(r => DataFrame.FromArrow(r.Schema, r.Batches)));
    }
}
