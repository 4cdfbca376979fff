using DataBridge.Internal;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers.SharedMemory;

/// <summary>
/// The bridge's shared-memory settings (<see cref="PythonBridgeOptions.SharedMemory"/>,
/// <see cref="PythonBridgeOptions.SharedMemoryRegionBytes"/>), one instance per bridge so that the reason shared memory
/// is unavailable is logged once, not per connection.
/// </summary>
internal sealed class SharedMemorySettings
{
    private int _unavailableLogged;

    /// <summary>Creates the settings.</summary>
    public SharedMemorySettings(SharedMemoryMode mode, long regionBytes, ILogger logger)
    {
        Mode = mode;
        RegionBytes = regionBytes;
        Logger = logger;
    }

    /// <summary>Auto, Required or Off.</summary>
    public SharedMemoryMode Mode { get; }

    /// <summary>The size of each of a connection's two regions.</summary>
    public long RegionBytes { get; }

    /// <summary>Where the fallback is logged.</summary>
    public ILogger Logger { get; }

    /// <summary>The region size for a bridge's options: the option, capped at a sixteenth of a worker memory limit (the
    /// worker maps both regions, and a mapping counts against its address-space limit whether it is touched or not).</summary>
    public static long RegionBytesFor(PythonBridgeOptions options)
    {
        long bytes = options.SharedMemoryRegionBytes;
        if (options.WorkerMemoryLimitMb > 0)
        {
            bytes = Math.Min(bytes, ((long)options.WorkerMemoryLimitMb << 20) / 16);
        }

        return bytes;
    }

    /// <summary>Under Auto, logs (once per bridge) why a connection uses the socket; under Required, throws it.</summary>
    public void Unavailable(string reason)
    {
        if (Mode == SharedMemoryMode.Required)
        {
            throw new DataBridgeException($"Shared memory was required (SharedMemory = Required) but is unavailable: {reason}");
        }

        if (Interlocked.Exchange(ref _unavailableLogged, 1) == 0)
        {
            Log.SharedMemoryUnavailable(Logger, reason);
        }
    }
}
