namespace DataBridge.Workers;

/// <summary>The daemon's report of a worker's end (an <c>exit</c> event on its stdout).</summary>
/// <param name="ProcessId">The worker's pid.</param>
/// <param name="ExitCode">The exit code when it exited, else null.</param>
/// <param name="Signal">The signal that killed it, else null.</param>
/// <param name="StderrTail">The last 8 KiB of the worker's stderr file (faulthandler output included).</param>
internal sealed record WorkerExit(int ProcessId, int? ExitCode, int? Signal, string StderrTail)
{
    /// <summary>A readable description: "exited with code 3" or "was killed by signal 11 (SIGSEGV)".</summary>
    public string Describe() =>
        Signal is int signal ? $"was killed by signal {signal}{SignalName(signal)}"
        : ExitCode is int code ? $"exited with code {code}"
        : "ended";

    private static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        _ => string.Empty,
    };
}
