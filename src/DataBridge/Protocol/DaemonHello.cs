namespace DataBridge.Protocol;

/// <summary>The JSON body of the daemon's <see cref="FrameCode.Hello"/> frame on the callback connection.</summary>
/// <param name="Token">The token the daemon was given; checked in constant time.</param>
/// <param name="Port">The daemon's listening port on 127.0.0.1.</param>
/// <param name="ProcessId">The daemon's pid.</param>
/// <param name="PythonVersion">The interpreter version, e.g. 3.11.7.</param>
/// <param name="Protocol">The protocol version the daemon speaks.</param>
/// <param name="HasNumpy">Whether numpy was importable (and preloaded).</param>
/// <param name="HasPandas">Whether pandas was importable (and preloaded).</param>
internal sealed record DaemonHello(string Token, int Port, int ProcessId, string PythonVersion, int Protocol, bool HasNumpy, bool HasPandas)
{
    /// <summary>The interpreter's <c>sys.executable</c> (empty from an older daemon).</summary>
    public string Executable { get; init; } = string.Empty;

    /// <summary>numpy's version, or null when absent.</summary>
    public string? NumpyVersion { get; init; }

    /// <summary>pandas' version, or null when absent.</summary>
    public string? PandasVersion { get; init; }

    /// <summary>Why numpy is absent (its import error), or null.</summary>
    public string? NumpyError { get; init; }

    /// <summary>Why pandas is absent (its import error), or null.</summary>
    public string? PandasError { get; init; }

    /// <summary>The path of the daemon's Unix-domain socket for workers, or null when it listens on TCP (<see cref="Port"/>).</summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Why the daemon fell back to TCP under <see cref="WorkerTransport.Auto"/>, or null.</summary>
    public string? TransportNote { get; init; }
}
