namespace DataBridge;

/// <summary>
/// How the bridge connects to its local Python workers (<see cref="PythonBridgeOptions.WorkerTransport"/>;
/// docs/security.md, "The daemon's socket").
/// </summary>
public enum WorkerTransport
{
    /// <summary>A Unix-domain socket where the platform and the temporary directory allow one, else TCP on 127.0.0.1
    /// (the reason is logged, event 107). The default.</summary>
    Auto = 0,

    /// <summary>A Unix-domain socket (mode 0600 in a private 0700 directory; peers of another user are refused);
    /// starting the daemon fails, naming why, where none can be created.</summary>
    UnixSocket = 1,

    /// <summary>TCP on 127.0.0.1, protected by the bridge's token alone.</summary>
    Tcp = 2,
}
