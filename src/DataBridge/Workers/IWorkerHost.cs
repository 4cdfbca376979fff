namespace DataBridge.Workers;

/// <summary>
/// What a worker connection needs from the process that forked its worker: where to connect, how to kill
/// the worker, and how it ended. <see cref="PythonDaemon"/> implements it; protocol tests fake it.
/// </summary>
internal interface IWorkerHost
{
    /// <summary>Where workers are forked per connection: a Unix-domain socket, or a TCP port on 127.0.0.1.</summary>
    System.Net.EndPoint WorkerEndPoint { get; }

    /// <summary>Whether the host process is gone (its workers are gone too).</summary>
    bool HasExited { get; }

    /// <summary>Kills one worker by pid (best effort; never throws).</summary>
    ValueTask KillWorkerAsync(int processId);

    /// <summary>Waits up to <paramref name="timeout"/> for the report of the worker's end; null when none came.</summary>
    Task<WorkerExit?> WaitForWorkerExitAsync(int processId, TimeSpan timeout);
}
