using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using DataBridge.Internal;
using DataBridge.Ipc;
using DataBridge.Protocol;
using DataBridge.Workers;
using Microsoft.Extensions.Logging;

namespace DataBridge;

public sealed partial class PythonBridge
{
    /// <summary>Runs <paramref name="code"/> over <paramref name="input"/> in a worker and collects its output.</summary>
    /// <param name="input">The input batches (all with one schema); re-sliced to the batch bounds before sending.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the worker; the call ends at once with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The output schema and batches, with timings.</returns>
    public Task<RunResult> RunAsync(IEnumerable<RecordBatch> input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CollectAsync(InputSource.From(input), code, context, 0, cancellationToken);
    }

    /// <summary>Runs <paramref name="code"/> over an asynchronous sequence of batches and collects its output.</summary>
    /// <inheritdoc cref="RunAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>
    public Task<RunResult> RunAsync(IAsyncEnumerable<RecordBatch> input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CollectAsync(InputSource.From(input), code, context, 0, cancellationToken);
    }

    /// <summary>Runs <paramref name="code"/> over an Arrow IPC stream (any Arrow writer's output) and collects its output. The stream is left open.</summary>
    /// <param name="arrowIpcStream">An Arrow IPC stream (schema, dictionaries, batches, optional end marker).</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the worker; the call ends at once with <see cref="OperationCanceledException"/>.</param>
    public Task<RunResult> RunAsync(Stream arrowIpcStream, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arrowIpcStream);
        return CollectAsync(InputSource.From(arrowIpcStream), code, context, 0, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="code"/> over an Apache.Arrow <see cref="Apache.Arrow.Ipc.IArrowArrayStream"/> (an
    /// <see cref="Apache.Arrow.Ipc.ArrowStreamReader"/>, a Flight stream, an ADBC or C Data Interface import) and
    /// collects its output. Each batch read from the stream is disposed once sent; the stream is left open.
    /// </summary>
    /// <param name="input">The input stream; its schema is sent even when it has no batches.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context (<c>data_manager.conf</c>), or null for an empty one.</param>
    /// <param name="cancellationToken">Cancelling kills the worker; the call ends at once with <see cref="OperationCanceledException"/>.</param>
    public Task<RunResult> RunAsync(Apache.Arrow.Ipc.IArrowArrayStream input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CollectAsync(InputSource.From(input), code, context, 0, cancellationToken);
    }

    /// <summary>The streaming form of <see cref="RunAsync(Apache.Arrow.Ipc.IArrowArrayStream, string, RunContext?, CancellationToken)"/>.</summary>
    /// <inheritdoc cref="RunStreamingAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>
    public IAsyncEnumerable<RecordBatch> RunStreamingAsync(Apache.Arrow.Ipc.IArrowArrayStream input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckCode(code, out _);
        return ExecuteAsync(InputSource.From(input), code, context, 0, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="code"/> over <paramref name="input"/> and yields the output batches as the worker
    /// produces them (for outputs too large to hold). The caller disposes each batch when done with it.
    /// Stopping the enumeration early kills the worker.
    /// </summary>
    /// <inheritdoc cref="RunAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>
    public IAsyncEnumerable<RecordBatch> RunStreamingAsync(IEnumerable<RecordBatch> input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckCode(code, out _);
        return ExecuteAsync(InputSource.From(input), code, context, 0, null, cancellationToken);
    }

    /// <summary>The streaming form of <see cref="RunAsync(IAsyncEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>.</summary>
    /// <inheritdoc cref="RunStreamingAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>
    public IAsyncEnumerable<RecordBatch> RunStreamingAsync(IAsyncEnumerable<RecordBatch> input, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckCode(code, out _);
        return ExecuteAsync(InputSource.From(input), code, context, 0, null, cancellationToken);
    }

    /// <summary>The streaming form of <see cref="RunAsync(Stream, string, RunContext?, CancellationToken)"/>.</summary>
    /// <inheritdoc cref="RunStreamingAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>
    public IAsyncEnumerable<RecordBatch> RunStreamingAsync(Stream arrowIpcStream, string code, RunContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arrowIpcStream);
        CheckCode(code, out _);
        return ExecuteAsync(InputSource.From(arrowIpcStream), code, context, 0, null, cancellationToken);
    }

    private async Task<RunResult> CollectAsync(InputSource input, string code, RunContext? context, int partition, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headerExtra = null, RunMeter? meter = null)
    {
        CheckCode(code, out _);
        var completion = new RunCompletion();
        var batches = new List<RecordBatch>();
        try
        {
            await foreach (RecordBatch batch in ExecuteAsync(input, code, context, partition, completion, cancellationToken, headerExtra, meter).ConfigureAwait(false))
            {
                batches.Add(batch);
            }
        }
        catch
        {
            foreach (RecordBatch batch in batches)
            {
                batch.Dispose();
            }

            throw;
        }

        return new RunResult(
            completion.Schema ?? Schemas.Empty,
            batches,
            partition,
            completion.ProcessId,
            completion.Timings ?? new RunTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
            completion.OutputSet);
    }

    // The one run path: acquire a worker, start the run (header, input written concurrently), read the output
    // Arrow stream batch by batch, complete (trailer, END_OF_STREAM), give the worker back — reusable only if
    // the run ended cleanly. Every failure is classified by WorkerRun.FailAsync.
    private async IAsyncEnumerable<RecordBatch> ExecuteAsync(
        InputSource input,
        string code,
        RunContext? context,
        int partition,
        RunCompletion? completion,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headerExtra = null,
        RunMeter? meter = null)
    {
        ThrowIfDisposed();
        CheckCode(code, out string hash);
        meter ??= new RunMeter(context?.Progress, partitions: 1);
        long started = Stopwatch.GetTimestamp();
        Dictionary<string, string> conf = context?.Snapshot() ?? new Dictionary<string, string>(StringComparer.Ordinal);
        string? groupId = context?.GroupId;
        string? owner = context?.Owner;
        string runId = Guid.NewGuid().ToString("N");
        var header = new RunHeader(runId, partition, hash, code, conf, _options.MaxBatchRows, _options.MaxBatchBytes, "UTC", headerExtra, context?.CodeName, context?.PandasOptions());
        ILogger logger = _loggers.Runs;
        ILogger pythonLogger = _loggers.Python;
        var scope = new RunScope(groupId, owner, runId, partition);

        // One span per run (driver run or executor partition), tagged with the run context.
        using Activity? activity = Telemetry.Source.StartActivity("databridge.run");
        if (activity is not null)
        {
            activity.SetTag("databridge.run_id", runId);
            activity.SetTag("databridge.partition", partition);
            foreach (KeyValuePair<string, string> entry in conf)
            {
                activity.SetTag("databridge.context." + entry.Key, entry.Value);
            }
        }

        Telemetry.Runs.Add(1);
        bool succeeded = false;
        WorkerLease lease = await _pool.AcquireAsync(cancellationToken).ConfigureAwait(false);
        WorkerRun? run = null;
        ArrowIpcReader? reader = null;
        try
        {
            run = await lease.Connection.StartRunAsync(
                header,
                (stream, ct) => WriteInputAsync(stream, input, meter, ct),
                record => LogPythonOutput(pythonLogger, scope, groupId, owner, record),
                logger,
                cancellationToken,
                input.IsReady ? new ReadyInput(input.ReadyBytes(WorkerRun.InlineInputMaxBatches)) : null).ConfigureAwait(false);
            Log.RunStarted(logger, runId, run.ProcessId, partition, groupId ?? "-", owner ?? "-");
            if (completion is not null)
            {
                completion.ProcessId = run.ProcessId;
            }

            reader = new ArrowIpcReader(run.Output, leaveOpen: true);
            try
            {
                Schema schema = await reader.ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
                if (completion is not null)
                {
                    completion.Schema = schema;
                }
            }
            catch (Exception ex)
            {
                ExceptionDispatchInfo.Throw(await run.FailAsync(ex).ConfigureAwait(false));
            }

            long rows = 0;
            long batches = 0;
            while (true)
            {
                RecordBatch? batch = null;
                try
                {
                    batch = await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    ExceptionDispatchInfo.Throw(await run.FailAsync(ex).ConfigureAwait(false));
                }

                if (batch is null)
                {
                    break;
                }

                rows += batch.Length;
                batches++;
                meter.Received(batch);
                yield return batch;
            }

            await run.CompleteAsync(rows, batches).ConfigureAwait(false);
            if (!run.Output.OutputSet)
            {
                Log.NoOutput(logger, runId, partition, groupId ?? "-", owner ?? "-");
            }

            if (completion is not null)
            {
                completion.OutputSet = run.Output.OutputSet;
            }

            RunTimings worker = run.Output.Timings ?? new RunTimings(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            var timings = new RunTimings(worker.Boot, worker.Init, worker.Run, worker.Finish, Stopwatch.GetElapsedTime(started));
            if (completion is not null)
            {
                completion.Timings = timings;
            }

            Log.RunEnded(logger, runId, rows, batches, timings);
            Telemetry.RunDuration.Record(timings.Elapsed.TotalSeconds);
            activity?.SetTag("databridge.rows_out", rows);
            activity?.SetStatus(ActivityStatusCode.Ok);
            succeeded = true;
        }
        finally
        {
            if (!succeeded)
            {
                Telemetry.RunFailures.Add(1);
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            reader?.Dispose();
            bool reusable = false;
            if (run is not null)
            {
                await run.DisposeAsync().ConfigureAwait(false);
                reusable = run.IsClean;
                if (!reusable && run.Output.PythonError is null)
                {
                    Log.WorkerDiscarded(logger, run.ProcessId, "its run did not end cleanly");
                }
            }

            await lease.ReturnAsync(reusable).ConfigureAwait(false);
        }
    }

    // Writes the input as one Arrow stream: batches re-sliced to the bounds, flushed after each source batch
    // so the worker can start while later batches are produced. Returns the counts for the trailer.
    private async ValueTask<Trailer> WriteInputAsync(Stream destination, InputSource input, RunMeter meter, CancellationToken cancellationToken)
    {
        long rows = 0;
        long batches = 0;
        ArrowIpcWriter? writer = null;
        try
        {
            await foreach (RecordBatch batch in input.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    writer ??= new ArrowIpcWriter(destination, batch.Schema, leaveOpen: true);
                    IReadOnlyList<KeyValuePair<string, string>> metadata = batch.GetCustomMetadata();
                    foreach (RecordBatch slice in BatchSlicer.Slice(batch, _options.MaxBatchRows, _options.MaxBatchBytes))
                    {
                        await writer.WriteRecordBatchAsync(slice, metadata, cancellationToken).ConfigureAwait(false);
                        rows += slice.Length;
                        batches++;
                        meter.Sent(slice);
                    }
                }
                finally
                {
                    if (input.OwnsBatches)
                    {
                        batch.Dispose();
                    }
                }

                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            writer ??= new ArrowIpcWriter(destination, input.Schema ?? Schemas.Empty, leaveOpen: true);
            await writer.WriteEndAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new Trailer(rows, batches);
    }

    private static void LogPythonOutput(ILogger logger, RunScope scope, string? groupId, string? owner, LogRecord record)
    {
        LogLevel level = PythonDaemon.LevelOf(record.Level);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        using (logger.BeginScope(scope))
        {
            Log.PythonOutput(logger, level, groupId ?? "-", owner ?? "-", record.Stream, record.Message);
        }
    }
}
