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
    /// <returns>The output frame (<see cref="ArrowFrame.Empty"/> when the code set no output).</returns>
    /// <exception cref="PythonWorkerException">The Python code raised.</exception>
    public async Task<ArrowFrame> RunAsync(ArrowFrame input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
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
    /// <param name="input">The input frame; <see cref="ArrowFrame.Repartition(int)"/> sets the number of tasks.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context shared by every partition, or null.</param>
    /// <param name="parallelism">The most partitions running at once; 0 means <see cref="PythonBridgeOptions.MaxWorkers"/>.</param>
    /// <param name="cancellationToken">Cancelling kills the running workers and ends the call.</param>
    /// <returns>The outputs of all partitions, in partition order (partitions without output contribute nothing).</returns>
    /// <exception cref="PartitionFailedException">A partition failed (the others still ran; their results are on the exception).</exception>
    /// <exception cref="ArgumentException">Partitions produced outputs with different columns.</exception>
    public async Task<ArrowFrame> MapPartitionsAsync(ArrowFrame input, string code, RunContext? context = null, int parallelism = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        IEnumerable<RecordBatch>[] partitions = [.. input.Partitions.Select(p => (IEnumerable<RecordBatch>)[p])];
        IReadOnlyList<RunResult> results = await MapPartitionsAsync(partitions, code, context, parallelism, cancellationToken).ConfigureAwait(false);
        return ToFrame(results);
    }

    /// <summary>The frame's partitions, or one empty batch so that a frame without partitions still sends its schema.</summary>
    private static IEnumerable<RecordBatch> InputBatches(ArrowFrame input) =>
        input.Partitions.Count > 0 || input.ColumnCount == 0 ? input.Partitions : input.Repartition(1).Partitions;

    /// <summary>
    /// The results' batches as one frame. The results are not disposed: the frame keeps their batches
    /// (their memory is released when the frame is collected).
    /// </summary>
    private static ArrowFrame ToFrame(IEnumerable<RunResult> results)
    {
        (Schema target, RunResult[] withOutput) = UnifyOutputs(results);
        return withOutput.Length == 0
            ? ArrowFrame.Empty
            : ArrowFrame.Concat(withOutput.Select(r => ArrowFrame.FromArrow(target, r.Batches.Select(b => Conform(b, target)))));
    }

    /// <summary>The results that have output, and the schema their batches are conformed to (<see cref="UnifyNullColumns"/>).</summary>
    private static (Schema Target, RunResult[] WithOutput) UnifyOutputs(IEnumerable<RunResult> results)
    {
        RunResult[] withOutput = [.. results.Where(r => r.Schema.FieldsList.Count > 0)];
        return withOutput.Length == 0 ? (Schemas.Empty, withOutput) : (UnifyNullColumns(withOutput), withOutput);
    }

    /// <summary>
    /// Partitions infer their output types independently, so a column that is all null in one partition
    /// arrives there as the null type, or as whatever pandas made of a column of NaN (float64), and typed
    /// elsewhere. The unified schema takes, per column, the type of the first partition that has a non-null
    /// value in it; anything else that differs is left for <see cref="ArrowFrame.Concat(IEnumerable{ArrowFrame})"/>
    /// to report.
    /// </summary>
    private static Schema UnifyNullColumns(RunResult[] results)
    {
        Schema first = results[0].Schema;
        IReadOnlyList<Field> firstFields = first.FieldsList;
        if (results.Any(r => r.Schema.FieldsList.Count != firstFields.Count))
        {
            return first;
        }

        var fields = new Field[firstFields.Count];
        for (int i = 0; i < fields.Length; i++)
        {
            int column = i;
            RunResult? typed = results.FirstOrDefault(r => r.Batches.Any(b => b.Column(column).NullCount < b.Length))
                ?? results.FirstOrDefault(r => r.Schema.FieldsList[column].DataType.TypeId != ArrowTypeId.Null);
            Field chosen = (typed ?? results[0]).Schema.FieldsList[i];
            bool anyNull = results.Any(r => r.Batches.Any(b => b.Column(column).NullCount > 0));
            fields[i] = new Field(firstFields[i].Name, chosen.DataType, chosen.IsNullable || anyNull, chosen.Metadata);
        }

        return new Schema(fields, first.Metadata);
    }

    /// <summary>The batch under <paramref name="target"/>: null-typed columns become all-null columns of the target type.</summary>
    private static RecordBatch Conform(RecordBatch batch, Schema target)
    {
        IReadOnlyList<Field> fields = target.FieldsList;
        if (ReferenceEquals(batch.Schema, target) || batch.ColumnCount != fields.Count)
        {
            return batch;
        }

        var columns = new IArrowArray[batch.ColumnCount];
        bool allMatch = true;
        for (int i = 0; i < columns.Length; i++)
        {
            IArrowArray column = batch.Column(i);
            if (!ArrowTypeEquality.SameLayout(column.Data.DataType, fields[i].DataType) && column.NullCount == column.Length)
            {
                column = ArrowArrayFactory.BuildArray(AllNullArrays.Create(fields[i].DataType, column.Length));
            }

            allMatch &= ArrowTypeEquality.SameLayout(column.Data.DataType, fields[i].DataType);
            columns[i] = column;
        }

        return allMatch ? new RecordBatch(target, columns, batch.Length) : batch;
    }
}
