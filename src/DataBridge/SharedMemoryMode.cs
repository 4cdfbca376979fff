namespace DataBridge;

/// <summary>
/// Whether record-batch bodies between the bridge and a local worker travel through shared memory
/// (<see cref="PythonBridgeOptions.SharedMemory"/>; docs/performance.md, "Shared memory").
/// </summary>
public enum SharedMemoryMode
{
    /// <summary>Shared memory where it is available (Linux, a Unix-domain worker socket, <c>memfd_create</c> allowed, the
    /// worker could map the regions), else the socket; the reason is logged once per bridge (event 108). The default.</summary>
    Auto = 0,

    /// <summary>Shared memory, or the run fails naming why it is unavailable.</summary>
    Required = 1,

    /// <summary>Always the socket.</summary>
    Off = 2,
}
