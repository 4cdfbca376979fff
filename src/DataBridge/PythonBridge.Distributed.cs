using System.Globalization;
using DataBridge.Internal;
using DataBridge.Servers;

namespace DataBridge;

public sealed partial class PythonBridge
{
    /// <summary>
    /// Runs <paramref name="code"/> as the driver of a distributed computation (one batch per partition): see
    /// <see cref="RunDistributedAsync(Schema, IReadOnlyList{IReadOnlyList{RecordBatch}}, string, RunContext?, ModelServer?, CancellationToken)"/>.
    /// </summary>
    /// <param name="partitions">The partitions (at least one; one schema).</param>
    /// <param name="code">The driver's Python source.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the driver worker and closes the data server.</param>
    public Task<DistributedRunResult> RunDistributedAsync(IReadOnlyList<RecordBatch> partitions, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (partitions.Count == 0 || partitions[0] is null)
        {
            throw new ArgumentException("At least one partition is needed (use the overload with a schema for empty partitions).", nameof(partitions));
        }

        return RunDistributedAsync(partitions[0].Schema, [.. partitions.Select(b => (IReadOnlyList<RecordBatch>)[b])], code, context, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="code"/> as the driver of a distributed computation over the partitions of
    /// <paramref name="input"/> (partition i of the data server is <c>input.Partitions[i]</c>; see
    /// <see cref="RunDistributedAsync(Schema, IReadOnlyList{IReadOnlyList{RecordBatch}}, string, RunContext?, ModelServer?, CancellationToken)"/>)
    /// and returns the uploaded results as one frame, in partition order. The driver's own output is discarded.
    /// </summary>
    /// <param name="input">The input frame; <see cref="ArrowFrame.Repartition(int)"/> sets the number of tasks.</param>
    /// <param name="code">The driver's Python source.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the driver worker and closes the data server.</param>
    /// <returns>The results of all partitions, in partition order.</returns>
    /// <exception cref="DataBridgeException">Some partitions have no uploaded result when the driver returns (the message lists them).</exception>
    /// <exception cref="PythonWorkerException">The driver code raised.</exception>
    /// <exception cref="ArgumentException">Partitions uploaded results with different columns.</exception>
    public async Task<ArrowFrame> RunDistributedAsync(ArrowFrame input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        DistributedRunResult result = await RunDistributedAsync(
            input.Schema,
            [.. input.Partitions.Select(p => (IReadOnlyList<RecordBatch>)[p])],
            code,
            context,
            null,
            cancellationToken).ConfigureAwait(false);

        // The frame keeps the uploaded batches (as RunAsync's frames keep theirs); only the driver's output goes.
        result.Driver.Dispose();
        return result.Partitions.Count == 0
            ? ArrowFrame.Empty
            : ArrowFrame.Concat(result.Partitions.Select(p => ArrowFrame.FromArrow(p.Schema, p.Batches)));
    }

    /// <summary>
    /// Runs <paramref name="code"/> as the driver of a distributed computation. A <see cref="DataServer"/> serves
    /// the partitions for the duration of the call; the driver worker receives its endpoint in the run header
    /// (<c>data_manager.data_servers()</c> gives one picklable endpoint per partition) and distributes work with
    /// an engine such as Dask: each task fetches its partition with <c>data_manager_client.fetch</c>,
    /// transforms it and uploads the result with <c>data_manager_client.send_result</c>. When the driver code
    /// returns, the uploaded results are assembled in partition order. See docs/distributed.md.
    /// </summary>
    /// <param name="schema">The schema of every batch.</param>
    /// <param name="partitions">The partitions, each a list of batches (possibly empty).</param>
    /// <param name="code">The driver's Python source.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="modelServer">A model server whose endpoint the header also carries (<c>model_server</c>), or null.</param>
    /// <param name="cancellationToken">Cancelling kills the driver worker and closes the data server.</param>
    /// <returns>Every partition's uploaded result, and the driver's own output.</returns>
    /// <exception cref="DataBridgeException">Some partitions have no uploaded result when the driver returns (the message lists them).</exception>
    /// <exception cref="PythonWorkerException">The driver code raised.</exception>
    public Task<DistributedRunResult> RunDistributedAsync(
        Schema schema,
        IReadOnlyList<IReadOnlyList<RecordBatch>> partitions,
        string code,
        RunContext? context = null,
        ModelServer? modelServer = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        CheckCode(code, out _);

        // The run's own server lives exactly as long as the run: no idle close while a slow cluster starts.
        ServerOptions options = ServerOptionsOrDefault(null);
        options.ServerIdleTimeout = TimeSpan.FromMilliseconds(int.MaxValue);
        DataServer server = Track(DataServer.Start(schema, partitions, options));
        return RunDistributedCoreAsync(server, ownsServer: true, code, context, modelServer, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="code"/> as the driver of a distributed computation over a data server the caller
    /// started (with <see cref="ServeData(Schema, IReadOnlyList{IReadOnlyList{RecordBatch}}, ServerOptions?)"/>
    /// and its own <see cref="ServerOptions"/>, e.g. bound to an address other nodes reach). Otherwise as
    /// <see cref="RunDistributedAsync(Schema, IReadOnlyList{IReadOnlyList{RecordBatch}}, string, RunContext?, ModelServer?, CancellationToken)"/>;
    /// the server stays open afterwards, but its results now belong to the returned
    /// <see cref="DistributedRunResult"/> and later uploads are dropped as duplicates.
    /// </summary>
    /// <param name="dataServer">An open data server.</param>
    /// <param name="code">The driver's Python source.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="modelServer">A model server whose endpoint the header also carries (<c>model_server</c>), or null.</param>
    /// <param name="cancellationToken">Cancelling kills the driver worker.</param>
    /// <returns>Every partition's uploaded result, and the driver's own output.</returns>
    /// <exception cref="DataBridgeException">Some partitions have no uploaded result when the driver returns (the message lists them).</exception>
    /// <exception cref="PythonWorkerException">The driver code raised.</exception>
    public Task<DistributedRunResult> RunDistributedAsync(
        DataServer dataServer,
        string code,
        RunContext? context = null,
        ModelServer? modelServer = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataServer);
        ThrowIfDisposed();
        CheckCode(code, out _);
        ObjectDisposedException.ThrowIf(dataServer.IsClosed, dataServer);
        return RunDistributedCoreAsync(dataServer, ownsServer: false, code, context, modelServer, cancellationToken);
    }

    private async Task<DistributedRunResult> RunDistributedCoreAsync(
        DataServer server,
        bool ownsServer,
        string code,
        RunContext? context,
        ModelServer? modelServer,
        CancellationToken cancellationToken)
    {
        PartitionResult?[] results;
        RunResult driver;
        try
        {
            var extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["data_server"] = server.EndpointJson() };
            if (modelServer is not null)
            {
                extra["model_server"] = modelServer.EndpointJson();
            }

            driver = await CollectAsync(InputSource.From(Array.Empty<RecordBatch>()), code, context, 0, cancellationToken, extra).ConfigureAwait(false);
            if (ownsServer)
            {
                // Stop accepting before taking the results, so a straggling upload cannot race with the assembly.
                await server.Socket.DisposeAsync().ConfigureAwait(false);
            }

            results = server.DetachResults();
        }
        finally
        {
            if (ownsServer)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        int[] missing = [.. Enumerable.Range(0, results.Length).Where(i => results[i] is null)];
        if (missing.Length > 0)
        {
            foreach (PartitionResult? result in results)
            {
                foreach (RecordBatch batch in result?.Batches ?? [])
                {
                    batch.Dispose();
                }
            }

            driver.Dispose();
            throw new DataBridgeException(string.Create(
                CultureInfo.InvariantCulture,
                $"The distributed run ended without a result for {missing.Length} of {results.Length} partitions: {string.Join(", ", missing)}. Every task must upload its partition with data_manager_client.send_result."));
        }

        return new DistributedRunResult([.. results.Select(r => r!)], driver, server.DuplicateUploads);
    }
}
