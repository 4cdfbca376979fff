namespace DataBridge.Protocol;

/// <summary>Fixed values of the worker protocol (docs/protocol.md), mirroring <c>data_manager/_protocol.py</c>.</summary>
internal static class ProtocolConstants
{
    /// <summary>The protocol version sent in the handshake.</summary>
    public const int Version = 1;

    /// <summary>The largest control frame payload (JSON) either side accepts: 64 MiB.</summary>
    public const int MaxControlFrameBytes = 64 * 1024 * 1024;

    /// <summary>
    /// The most characters one text field of a frame the Python side sends may hold (a LOG message, an
    /// exception's message or traceback): 1 Mi. Longer text is cut there with a marker
    /// <c>"… [truncated N characters]"</c>, so even at 12 bytes of JSON per character a PYTHON_EXCEPTION frame
    /// stays far below <see cref="MaxControlFrameBytes"/> (docs/protocol.md, 2.2).
    /// </summary>
    public const int MaxTextChars = 1024 * 1024;

    /// <summary>The largest token the handshake carries (the real one is 64 hex characters).</summary>
    public const int MaxTokenBytes = 1024;

    /// <summary>
    /// The most connections the daemon, and each data or model server, holds before they authenticate; a new one
    /// beyond it closes the oldest waiting one.
    /// </summary>
    public const int MaxPendingHandshakes = 64;

    /// <summary>Environment variable carrying the bridge's secret to the daemon (never the command line).</summary>
    public const string EnvToken = "DATABRIDGE_TOKEN";

    /// <summary>Environment variable carrying the port of the bridge's one-shot callback listener.</summary>
    public const string EnvCallbackPort = "DATABRIDGE_CALLBACK_PORT";

    /// <summary>Environment variable carrying <c>WorkerMemoryLimitMb</c> (0 = none).</summary>
    public const string EnvMemoryLimitMb = "DATABRIDGE_MEMORY_LIMIT_MB";

    /// <summary>Environment variable telling the daemon where to listen for workers: <c>auto</c>, <c>unix</c> or <c>tcp</c>.</summary>
    public const string EnvWorkerTransport = "DATABRIDGE_WORKER_TRANSPORT";

    /// <summary>Environment variable naming the modules the daemon imports before forking.</summary>
    public const string EnvPreload = "DATABRIDGE_PRELOAD";

    /// <summary>The four magic bytes opening both halves of the handshake: ASCII "DBRG".</summary>
    public static ReadOnlySpan<byte> Magic => "DBRG"u8;
}
