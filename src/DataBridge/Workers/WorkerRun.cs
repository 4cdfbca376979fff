using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using DataBridge.Internal;
using DataBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

/// <summary>
/// One run on one connection (docs/protocol.md, 2.4). The input is written by a background task while the
/// caller reads <see cref="Output"/> with an Arrow reader, so a worker that writes before it has read
/// everything never deadlocks with us. The caller then calls <see cref="CompleteAsync"/> (trailer check,
/// END_OF_STREAM) or, on any failure, <see cref="FailAsync"/> to learn what really happened (Python error,
/// crash with the daemon's exit report, cancellation, bad input of its own). Disposing a run that did not
/// end cleanly breaks the connection, so a worker in an unknown state is never reused.
/// </summary>
internal sealed class WorkerRun : IAsyncDisposable
{
    /// <summary>
    /// How long the daemon's exit report of a crashed worker is awaited before the worker is killed (and then
    /// again for the report of that kill). A report normally comes within milliseconds; the margin is for a
    /// loaded machine, and it is only ever waited in full for a worker that broke its connection but lives on.
    /// </summary>
    public static readonly TimeSpan ExitReportTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A ready input of at most this many Arrow bytes is written on the caller's thread (<see cref="ReadyInput"/>).</summary>
    internal const long InlineInputBytes = 8 * 1024;

    /// <summary>A ready input of more batches than this is not measured (it is not small).</summary>
    internal const int InlineInputMaxBatches = 16;

    private readonly WorkerConnection _connection;
    private readonly RunHeader _header;
    private readonly CancellationToken _cancellationToken;
    private readonly ILogger _logger;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly OutputTail _outputTail = new();
    private CancellationTokenRegistration _registration;
    private Task _input = Task.CompletedTask;
    private ExceptionDispatchInfo? _inputFailure;
    private readonly SharedRunLease? _shared;
    private long _inputSharedUsed;
    private bool _clean;
    private bool _exitReported;

    private WorkerRun(WorkerConnection connection, RunHeader header, SharedRunLease? shared, Action<LogRecord> log, ILogger logger, CancellationToken cancellationToken)
    {
        _connection = connection;
        _shared = shared;
        _logger = logger;
        _header = header;
        _cancellationToken = cancellationToken;
        Output = new DataReadStream(
            connection.Reader,
            record =>
            {
                _outputTail.Add(record);
                log(record);
            },
            () => Stopwatch.GetElapsedTime(_started),
            shared?.Output,
            shared?.Input);
    }

    /// <summary>The worker's output: one Arrow IPC stream for an Arrow reader.</summary>
    public DataReadStream Output { get; }

    /// <summary>The worker's pid.</summary>
    public int ProcessId => _connection.ProcessId;

    /// <summary>Whether the run ended with END_OF_STREAM and its input fully written: the worker may be reused.</summary>
    public bool IsClean => _clean;

    /// <summary>Whether this run's batches travel through shared memory.</summary>
    public bool UsesSharedMemory => _shared is not null;

    /// <summary>The counts of the input stream, once written.</summary>
    public Trailer? InputTrailer { get; private set; }

    internal static async Task<WorkerRun> StartAsync(
        WorkerConnection connection,
        RunHeader header,
        Func<Stream, CancellationToken, ValueTask<Trailer>> writeInput,
        Action<LogRecord> log,
        ILogger logger,
        ReadyInput? ready,
        CancellationToken cancellationToken)
    {
        SharedRunLease? shared;
        try
        {
            shared = await connection.OpenSharedMemoryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Whatever went wrong passing the regions, the worker's state is unknown.
            connection.Abort();
            throw;
        }

        var run = new WorkerRun(connection, header, shared, log, logger, cancellationToken);
        run._registration = cancellationToken.UnsafeRegister(static state => ((WorkerConnection)state!).Abort(), connection);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            await connection.Writer.WritePayloadFrameAsync(FrameCode.RunHeader, ProtocolJson.WriteRunHeader(header), cancellationToken).ConfigureAwait(false);
            if (ready is null)
            {
                // The worker starts the code while the input is still being produced (which may take its time).
                await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Exception failure = await run.FailAsync(ex).ConfigureAwait(false);
            await run.DisposeAsync().ConfigureAwait(false);
            ExceptionDispatchInfo.Throw(failure);
        }

        if (ready?.Bytes <= InlineInputBytes)
        {
            // A small input at hand: written here, saving the thread pool's hop (it cannot block: see ReadyInput).
            run._input = run.WriteInputAsync(writeInput, deferSmallFlushes: true);
            await run._input.ConfigureAwait(false);
            return run;
        }

        // The input is produced on the thread pool: enumerating the caller's batches may block.
        run._input = Task.Run(() => run.WriteInputAsync(writeInput, deferSmallFlushes: ready is not null), CancellationToken.None);
        return run;
    }

    /// <summary>
    /// Ends a run whose output reader returned end of stream after <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: reads the rest of the run, checks the trailer, makes sure the input
    /// went out. Throws what <see cref="FailAsync"/> decides on failure.
    /// </summary>
    public async ValueTask CompleteAsync(long rows, long batches)
    {
        try
        {
            await Output.FinishAsync(rows, batches, _cancellationToken).ConfigureAwait(false);
            await AwaitInputAsync().ConfigureAwait(false);
            _inputFailure?.Throw();
            _clean = true;
        }
        catch (Exception ex)
        {
            ExceptionDispatchInfo.Throw(await FailAsync(ex).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Classifies a failure seen while reading the output (or completing) and returns the exception the
    /// caller should throw: the <see cref="PythonWorkerException"/> (the worker stays reusable when it ended
    /// the run cleanly); <see cref="OperationCanceledException"/> when the run was cancelled; the caller's own
    /// input failure; <see cref="WorkerCrashedException"/> with the daemon's report when the connection broke;
    /// otherwise the protocol error itself. Every outcome but a clean Python error breaks the connection.
    /// </summary>
    public async ValueTask<Exception> FailAsync(Exception error)
    {
        Exception failure = await ClassifyAsync(error).ConfigureAwait(false);
        string tail = _outputTail.ToString();
        if (failure is PythonWorkerException python)
        {
            python.OutputTail = tail;
        }
        else if (failure is WorkerCrashedException crashed)
        {
            crashed.OutputTail = tail;
        }

        Log.RunFailed(_logger, failure, _header.RunId);
        if (failure is WorkerCrashedException crash)
        {
            Log.WorkerCrashed(_logger, crash.ProcessId, new WorkerExit(crash.ProcessId, crash.ExitCode, crash.Signal, string.Empty).Describe());
            Telemetry.WorkerCrashes.Add(1);
        }

        return failure;
    }

    private async ValueTask<Exception> ClassifyAsync(Exception error)
    {
        if (error is PythonWorkerException python && ReferenceEquals(python, Output.PythonError) && !_cancellationToken.IsCancellationRequested)
        {
            // The worker may have failed on the code itself: do not assume it kept it.
            _connection.CodeHashes.Remove(_header.CodeHash);
            if (Output.EndOfStreamSeen)
            {
                try
                {
                    await AwaitInputAsync().ConfigureAwait(false);
                    _clean = _inputFailure is null;
                }
                catch (DataBridgeException)
                {
                    _clean = false;
                }
            }

            if (_clean)
            {
                return python;
            }

            // No END_OF_STREAM after the error: the worker ended itself (sys.exit) or broke down. Its exit is
            // the fact the caller must see (exit code 3 after sys.exit(3)); the Python error is the cause.
            return Crashed(await AwaitExitThenKillAsync().ConfigureAwait(false), python);
        }

        if (_cancellationToken.IsCancellationRequested)
        {
            _connection.Abort();
            return new OperationCanceledException("The Python run was cancelled; its worker was killed.", error, _cancellationToken);
        }

        if (_inputFailure is not null)
        {
            _connection.Abort();
            return _inputFailure.SourceException;
        }

        if (IsTransportFailure(error))
        {
            return Crashed(await AwaitExitThenKillAsync().ConfigureAwait(false), error);
        }

        // The worker broke the protocol while alive: nothing it says can be trusted any more.
        _connection.Abort();
        return error;
    }

    // The connection broke by itself, so the worker is most likely ending on its own: read the daemon's report
    // of how (exit code, signal, stderr tail) before anything could kill it. A kill first would race with that
    // end and could become the report ("signal 9", empty stderr). Only a worker that did not end within the
    // timeout is killed, and the report of that kill is then what the caller sees.
    private async ValueTask<WorkerExit?> AwaitExitThenKillAsync()
    {
        _connection.Disconnect();
        WorkerExit? exit = await _connection.Host.WaitForWorkerExitAsync(_connection.ProcessId, ExitReportTimeout).ConfigureAwait(false);
        if (exit is null)
        {
            _connection.Abort();
            exit = await _connection.Host.WaitForWorkerExitAsync(_connection.ProcessId, ExitReportTimeout).ConfigureAwait(false);
        }

        _exitReported = exit is not null;
        return exit;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _registration.DisposeAsync().ConfigureAwait(false);
        if (!_clean && !_exitReported)
        {
            // A worker whose end was reported is gone already; any other may be alive in an unknown state.
            _connection.Abort();
        }

        // Never faults: WriteInputAsync records its failures.
        await _input.ConfigureAwait(false);
        if (_shared is not null)
        {
            if (_clean)
            {
                // Zeroed before the connection's next run may start (it waits for this).
                _shared.Clear(_inputSharedUsed, Output.SharedBytesUsed);
            }

            _shared.Release();
        }
    }

    /// <summary>Whether <paramref name="error"/> (or a cause of it) is the connection breaking.</summary>
    internal static bool IsTransportFailure(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is ConnectionClosedException or IOException or SocketException or ObjectDisposedException)
            {
                return true;
            }
        }

        return false;
    }

    private WorkerCrashedException Crashed(WorkerExit? exit, Exception error)
    {
        int pid = _connection.ProcessId;
        string what = exit is null
            ? $"The Python worker (pid {pid}) broke the connection in the middle of run {_header.RunId} and the daemon reported no exit within {ExitReportTimeout.TotalSeconds:0} s"
            : $"The Python worker (pid {pid}) {exit.Describe()} in the middle of run {_header.RunId}";
        if (error is PythonWorkerException python)
        {
            what += $", after raising {python.PythonType}: {python.PythonMessage}";
        }

        string tail = exit?.StderrTail ?? string.Empty;
        string message = tail.Length == 0
            ? what + "."
            : what + ". Its stderr ended with:" + Environment.NewLine + (tail.Length > 2000 ? tail[^2000..] : tail);
        return new WorkerCrashedException(message, pid, exit?.ExitCode, exit?.Signal, tail, error);
    }

    // The worker drains its input before END_OF_STREAM, so once the output is complete the input task has
    // finished or is about to; a task still blocked after the connect timeout means a broken worker.
    private async Task AwaitInputAsync()
    {
        try
        {
            await _input.WaitAsync(_connection.ConnectTimeout, _cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new DataBridgeException("Protocol error: the worker ended its run before reading all of its input.", ex);
        }
    }

    private async Task WriteInputAsync(Func<Stream, CancellationToken, ValueTask<Trailer>> writeInput, bool deferSmallFlushes)
    {
        try
        {
            using var stream = new DataWriteStream(_connection.Writer, _shared?.Input, deferSmallFlushes);
            Trailer trailer;
            try
            {
                trailer = await writeInput(stream, _cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _inputSharedUsed = stream.SharedBytesUsed;
            }

            FrameWriter writer = _connection.Writer;
            await writer.WriteTrailerAsync(trailer, _cancellationToken).ConfigureAwait(false);
            await writer.WriteControlAsync(FrameCode.EndOfData, _cancellationToken).ConfigureAwait(false);
            await writer.FlushAsync(_cancellationToken).ConfigureAwait(false);
            InputTrailer = trailer;
        }
        catch (Exception ex) when (IsTransportFailure(ex) || ex is OperationCanceledException)
        {
            // The connection broke or the run was cancelled (which killed the worker already): the output side
            // sees it too and reports it with the daemon's exit report. Close the socket so that side never waits
            // for nothing, but do not kill: the worker's own end must be what that report says.
            _connection.Disconnect();
        }
        catch (Exception ex)
        {
            // The caller's input failed (its enumerator threw, a batch could not be encoded): the worker holds a
            // partial stream, so it is killed, and the output side reports this exception.
            _inputFailure = ExceptionDispatchInfo.Capture(ex);
            _connection.Abort();
        }
    }
}
