namespace DataBridge;

/// <summary>
/// A Python worker process ended in the middle of a run (exit, signal, segfault, memory limit, killed) or
/// broke its connection. It carries what the daemon saw of its end: the exit code or signal and the tail of
/// the worker's stderr, which includes the Python stack of a fatal error (faulthandler). Transient: the
/// bridge discards the worker and the next run gets a fresh one.
/// </summary>
public class WorkerCrashedException : DataBridgeException
{
    /// <summary>Creates the exception.</summary>
    public WorkerCrashedException()
    {
        StderrTail = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public WorkerCrashedException(string message)
        : base(message)
    {
        StderrTail = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkerCrashedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        StderrTail = string.Empty;
    }

    /// <summary>Creates the exception with what is known of the worker's end.</summary>
    /// <param name="message">The description.</param>
    /// <param name="processId">The worker's process id, or 0 when unknown.</param>
    /// <param name="exitCode">The exit code when it exited, otherwise null.</param>
    /// <param name="signal">The signal number when a signal killed it, otherwise null.</param>
    /// <param name="stderrTail">The last bytes the worker wrote to its stderr (may be empty).</param>
    /// <param name="innerException">The transport failure that revealed the crash, if any.</param>
    public WorkerCrashedException(string message, int processId, int? exitCode, int? signal, string? stderrTail, Exception? innerException)
        : base(message, innerException)
    {
        ProcessId = processId;
        ExitCode = exitCode;
        Signal = signal;
        StderrTail = stderrTail ?? string.Empty;
    }

    /// <summary>The worker's process id, or 0 when unknown.</summary>
    public int ProcessId { get; }

    /// <summary>The worker's exit code when it exited (e.g. 3 after <c>sys.exit(3)</c>); null when a signal ended it or it is unknown.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that ended the worker (e.g. 9 for SIGKILL, 11 for SIGSEGV); null when it exited or it is unknown.</summary>
    public int? Signal { get; }

    /// <summary>The tail (up to 8 KiB) of the worker's stderr, with the faulthandler stack after a fatal error.</summary>
    public string StderrTail { get; }

    /// <summary>
    /// The last lines (at most 20) the run's Python code printed or logged before the worker ended (see
    /// <see cref="PythonWorkerException.OutputTail"/>); empty when it printed nothing. C-level output is in <see cref="StderrTail"/>.
    /// </summary>
    public string OutputTail { get; internal set; } = string.Empty;

    /// <inheritdoc />
    public override bool IsTransient => true;

    /// <inheritdoc />
    public override string ToString() =>
        OutputTail.Length == 0 ? base.ToString() : base.ToString() + Environment.NewLine + "Last output of the Python code:" + Environment.NewLine + OutputTail;
}
