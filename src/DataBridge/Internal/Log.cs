using Microsoft.Extensions.Logging;

namespace DataBridge.Internal;

/// <summary>
/// The bridge's log messages with stable event ids: 1xx daemon, 2xx workers, 3xx runs, 400 Python output.
/// Python LOG frames carry the run's <c>GroupId</c> and <c>Owner</c> in their state (and a scope).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Python daemon started: pid {DaemonPid}, workers at {WorkerEndPoint}, Python {PythonVersion} at {Interpreter} (configured: {Executable}), numpy {NumpyVersion}, pandas {PandasVersion}")]
    public static partial void DaemonStarted(ILogger logger, int daemonPid, string workerEndPoint, string pythonVersion, string interpreter, string executable, string numpyVersion, string pandasVersion);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Python daemon pid {DaemonPid} is gone ({ExitCode}); starting a new one")]
    public static partial void DaemonRestart(ILogger logger, int daemonPid, string exitCode);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Python daemon pid {DaemonPid} stopped")]
    public static partial void DaemonStopped(ILogger logger, int daemonPid);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "daemon {DaemonPid} {Channel}: {Line}")]
    public static partial void DaemonOutput(ILogger logger, int daemonPid, string channel, string line);

    [LoggerMessage(EventId = 104, Message = "daemon {DaemonPid}: {Message}")]
    public static partial void DaemonMessage(ILogger logger, LogLevel level, int daemonPid, string message);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "The Python daemon could not be started with {Interpreter}")]
    public static partial void DaemonStartFailed(ILogger logger, Exception exception, string interpreter);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Python daemon pid {DaemonPid}: {Note}")]
    public static partial void DaemonTransportFallback(ILogger logger, int daemonPid, string note);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Shared memory is unavailable, record batches go through the worker socket: {Reason}")]
    public static partial void SharedMemoryUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "A connection to the daemon's callback port did not present this bridge's token and was closed ({Pending} others pending)")]
    public static partial void CallbackStranger(ILogger logger, int pending);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Worker pid {WorkerPid} started")]
    public static partial void WorkerStarted(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 201, Level = LogLevel.Trace, Message = "Worker pid {WorkerPid} reused")]
    public static partial void WorkerReused(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Worker pid {WorkerPid} crashed: it {Cause}")]
    public static partial void WorkerCrashed(ILogger logger, int workerPid, string cause);

    [LoggerMessage(EventId = 203, Level = LogLevel.Debug, Message = "Worker pid {WorkerPid} discarded: {Reason}")]
    public static partial void WorkerDiscarded(ILogger logger, int workerPid, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "Worker pid {WorkerPid} expired after being idle")]
    public static partial void WorkerExpired(ILogger logger, int workerPid);

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Run {RunId} started on worker pid {WorkerPid} (partition {Partition}, group {GroupId}, owner {Owner})")]
    public static partial void RunStarted(ILogger logger, string runId, int workerPid, int partition, string? groupId, string? owner);

    [LoggerMessage(EventId = 301, Level = LogLevel.Debug, Message = "Run {RunId} ended: {Rows} rows in {Batches} batches; {Timings}")]
    public static partial void RunEnded(ILogger logger, string runId, long rows, long batches, RunTimings? timings);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Run {RunId} failed")]
    public static partial void RunFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Run {RunId} (partition {Partition}, group {GroupId}, owner {Owner}): the Python code never called data_manager.set_output; its result is empty (no columns, no rows)")]
    public static partial void NoOutput(ILogger logger, string runId, int partition, string? groupId, string? owner);

    [LoggerMessage(EventId = 400, Message = "[{GroupId}/{Owner}] python {Stream}: {Message}")]
    public static partial void PythonOutput(ILogger logger, LogLevel level, string? groupId, string? owner, string stream, string message);
}
