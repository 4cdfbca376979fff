using DataBridge.Internal;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

/// <summary>Everything needed to launch a daemon, fixed per bridge.</summary>
/// <param name="PythonExecutable">The interpreter to exec (a path or a name on PATH).</param>
/// <param name="Environment">Extra environment variables for the daemon and its workers.</param>
/// <param name="PackageRoot">The directory holding the extracted <c>data_manager</c> package.</param>
/// <param name="Token">The bridge's secret.</param>
/// <param name="MemoryLimitMb">RLIMIT_AS per worker in MiB; 0 = none.</param>
/// <param name="StartTimeout">Deadline for the daemon's HELLO (PythonBridgeOptions.StartTimeout).</param>
/// <param name="Logger">Where daemon output goes.</param>
internal sealed record DaemonStartInfo(
    string PythonExecutable,
    IReadOnlyDictionary<string, string> Environment,
    string PackageRoot,
    SecretToken Token,
    int MemoryLimitMb,
    TimeSpan StartTimeout,
    ILogger Logger)
{
    /// <summary>Where the daemon listens for worker connections (<see cref="PythonBridgeOptions.WorkerTransport"/>).</summary>
    public WorkerTransport Transport { get; init; }

    /// <summary>Whether a daemon whose interpreter has no pandas fails its start (<see cref="PythonBridgeOptions.RequirePandas"/>).</summary>
    public bool RequirePandas { get; init; }

    /// <summary>How to choose another interpreter, ending every interpreter-related error (it differs for the CLI).</summary>
    public string InterpreterHint { get; init; } = PythonBridgeOptions.DefaultInterpreterHint;

    /// <summary>Called with the callback port once it listens, before the interpreter starts (tests play strangers there).</summary>
    public Action<int>? CallbackListening { get; init; }
}
