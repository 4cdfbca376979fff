using DataBridge.Mda;
using DataBridge.Servers;
using MdaDataFrame = Microsoft.Data.Analysis.DataFrame;

namespace DataBridge;

public sealed partial class PythonBridge
{
    /// <summary>
    /// Runs <paramref name="code"/> over a Microsoft.Data.Analysis frame in one worker (driver mode):
    /// <c>data_manager.fetch_once()</c> sees it as pandas, and what the code passes to <c>set_output</c>
    /// comes back as a new frame. Column types map as docs/type-mapping.md ("MDA columns") says; numeric
    /// columns travel without a copy on the .NET side.
    /// </summary>
    /// <param name="input">The input frame (sent in batches of <see cref="ArrowFrame.DefaultPartitionRows"/> rows).</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the worker; the call ends at once with <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// The output frame (no columns when the code set no output). Its fixed-width columns may share memory with
    /// the batches the worker sent; they stay valid for the frame's lifetime.
    /// </returns>
    /// <exception cref="PythonWorkerException">The Python code raised.</exception>
    /// <exception cref="NotSupportedException">A column of <paramref name="input"/> has a type with no Arrow mapping.</exception>
    /// <exception cref="UnsupportedArrowFeatureException">The output has a column MDA cannot hold (named in the message).</exception>
    public async Task<MdaDataFrame> RunAsync(MdaDataFrame input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        RunResult result = await RunAsync(MdaInput(input, ArrowFrame.DefaultPartitionRows), code, context, cancellationToken).ConfigureAwait(false);
        return ToMdaFrame([result]);
    }

    /// <summary>
    /// Executor mode over a Microsoft.Data.Analysis frame: every <paramref name="rowsPerPartition"/> rows are
    /// one Python task in its own worker run, up to <paramref name="parallelism"/> at once; the outputs are
    /// concatenated in partition order.
    /// </summary>
    /// <param name="input">The input frame.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context shared by every partition, or null.</param>
    /// <param name="parallelism">The most partitions running at once; 0 means <see cref="PythonBridgeOptions.MaxWorkers"/>.</param>
    /// <param name="rowsPerPartition">The rows of each task.</param>
    /// <param name="cancellationToken">Cancelling kills the running workers and ends the call.</param>
    /// <returns>The outputs of all partitions as one frame (partitions without output contribute nothing).</returns>
    /// <exception cref="PartitionFailedException">A partition failed (the others still ran; their results are on the exception).</exception>
    /// <exception cref="ArgumentException">Partitions produced outputs with different columns.</exception>
    public async Task<MdaDataFrame> MapPartitionsAsync(
        MdaDataFrame input,
        string code,
        RunContext? context = null,
        int parallelism = 0,
        int rowsPerPartition = ArrowFrame.DefaultPartitionRows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerPartition);
        IEnumerable<RecordBatch>[] partitions = [.. MdaInput(input, rowsPerPartition).Select(b => (IEnumerable<RecordBatch>)[b])];
        IReadOnlyList<RunResult> results = await MapPartitionsAsync(partitions, code, context, parallelism, cancellationToken).ConfigureAwait(false);
        return ToMdaFrame(results);
    }

    /// <summary>
    /// Distributed mode over a Microsoft.Data.Analysis frame: every <paramref name="rowsPerPartition"/> rows are
    /// a partition the Dask tasks fetch from the run's data server; the driver code's output partitions come
    /// back as one frame.
    /// </summary>
    /// <param name="input">The input frame.</param>
    /// <param name="code">The driver's Python source (see docs/distributed.md).</param>
    /// <param name="context">The run context, or null.</param>
    /// <param name="rowsPerPartition">The rows of each partition.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The collected output partitions as one frame.</returns>
    public async Task<MdaDataFrame> RunDistributedAsync(
        MdaDataFrame input,
        string code,
        RunContext? context = null,
        int rowsPerPartition = ArrowFrame.DefaultPartitionRows,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerPartition);
        Schema schema = MdaConversion.ToSchema(input);
        DistributedRunResult result = await RunDistributedAsync(
            schema,
            [.. MdaInput(input, rowsPerPartition).Select(b => (IReadOnlyList<RecordBatch>)[b])],
            code,
            context,
            null,
            cancellationToken).ConfigureAwait(false);
        result.Driver.Dispose();
        if (result.Partitions.Count == 0)
        {
            return new MdaDataFrame();
        }

        Schema target = result.Partitions[0].Schema;
        RequireOneSchema(target, result.Partitions.Select(p => p.Schema));
        return MdaConversion.FromRecordBatches(target, result.Partitions.SelectMany(p => p.Batches));
    }

    /// <summary>The frame's batches, or one empty batch so that a frame without rows still sends its schema.</summary>
    private static IEnumerable<RecordBatch> MdaInput(MdaDataFrame input, int rowsPerBatch)
    {
        Schema schema = MdaConversion.ToSchema(input);
        List<RecordBatch> batches = [.. MdaConversion.ToRecordBatches(input, rowsPerBatch)];
        if (batches.Count == 0 && schema.FieldsList.Count > 0)
        {
            batches.Add(new RecordBatch(schema, schema.FieldsList.Select(f => ArrowArrayFactory.BuildArray(AllNullArrays.Create(f.DataType, 0))), 0));
        }

        return batches;
    }

    /// <summary>The results' output batches as one MDA frame (the batches are kept: the frame may share their memory).</summary>
    private static MdaDataFrame ToMdaFrame(IEnumerable<RunResult> results)
    {
        (Schema target, RunResult[] withOutput) = UnifyOutputs(results);
        if (withOutput.Length == 0)
        {
            return new MdaDataFrame();
        }

        RecordBatch[] batches = [.. withOutput.SelectMany(r => r.Batches.Select(b => Conform(b, target)))];
        RequireOneSchema(target, batches.Select(b => b.Schema));
        return MdaConversion.FromRecordBatches(target, batches);
    }

    private static void RequireOneSchema(Schema target, IEnumerable<Schema> schemas)
    {
        foreach (Schema schema in schemas)
        {
            if (!ReferenceEquals(schema, target) && !ArrowTypeEquality.SameColumns(schema, target))
            {
                throw new ArgumentException(
                    $"Partitions produced outputs with different columns: ({string.Join(", ", target.FieldsList.Select(ArrowTypeText.Of))}) and ({string.Join(", ", schema.FieldsList.Select(ArrowTypeText.Of))}).");
            }
        }
    }
}
