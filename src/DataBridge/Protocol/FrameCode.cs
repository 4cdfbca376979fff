namespace DataBridge.Protocol;

/// <summary>
/// The control frame codes of the worker protocol (docs/protocol.md, section 2.2), mirroring
/// <c>data_manager/_protocol.py</c> one to one. A frame starts with an int32 prefix: <c>n &gt;= 0</c> is a
/// chunk of <c>n</c> bytes of the current Arrow IPC stream, a negative prefix is one of these codes.
/// </summary>
internal static class FrameCode
{
    /// <summary>No more frames for this run in this direction (sent after the trailer). No payload.</summary>
    public const int EndOfData = -1;

    /// <summary>Worker → host: int32 length + JSON <c>{"type", "message", "traceback"}</c>.</summary>
    public const int PythonException = -2;

    /// <summary>Worker → host: int32 length + JSON <c>{"boot_ms", "init_ms", "run_ms", "finish_ms"}</c>.</summary>
    public const int Timing = -3;

    /// <summary>Host → worker: close the connection. Worker → host: the run ended cleanly, the worker may be reused. No payload.</summary>
    public const int EndOfStream = -4;

    /// <summary>Worker → host: int32 length + JSON <c>{"level", "stream", "message"}</c>.</summary>
    public const int Log = -5;

    /// <summary>PySpark's START_ARROW_STREAM: reserved, never sent; receiving it is a protocol error.</summary>
    public const int StartArrowStream = -6;

    /// <summary>Both directions: int64 rows + int64 batches of the Arrow stream just sent.</summary>
    public const int Trailer = -7;

    /// <summary>Host → worker: int32 length + JSON run header (section 2.3).</summary>
    public const int RunHeader = -8;

    /// <summary>Host → worker: liveness check before reuse; the worker answers <see cref="Pong"/>. No payload.</summary>
    public const int Ping = -9;

    /// <summary>Worker → host: the answer to <see cref="Ping"/>. No payload.</summary>
    public const int Pong = -10;

    /// <summary>Daemon → host on the callback connection: int32 length + JSON (section 1).</summary>
    public const int Hello = -11;

    /// <summary>Client → data or model server: int32 length + JSON <c>{"op", ...}</c> (section 3).</summary>
    public const int Request = -12;

    /// <summary>Data or model server → client: int32 length + JSON <c>{"message"}</c>; the server then closes the connection.</summary>
    public const int Error = -13;

    /// <summary>Data or model server → client: int32 length + JSON answering a <see cref="Request"/>.</summary>
    public const int Response = -14;

    /// <summary>Both directions: int64 offset + int64 length: the next bytes of the Arrow stream are in the sender's
    /// shared-memory region at that offset (section 2.6).</summary>
    public const int SharedData = -15;

    /// <summary>Host → worker, between runs: int32 length + JSON <c>{"role", "bytes"}</c>, the region's descriptor passed
    /// with the frame (SCM_RIGHTS; section 2.6).</summary>
    public const int SharedRegion = -16;

    /// <summary>Worker → host: int64 offset + int64 length: the next bytes of the Arrow stream are in the host's own input
    /// region at that offset, bytes the worker passes through unchanged (section 2.6).</summary>
    public const int SharedEcho = -17;

    /// <summary>A readable name for a frame prefix, for error messages.</summary>
    public static string Name(int prefix) => prefix switch
    {
        >= 0 => $"data chunk of {prefix} bytes",
        EndOfData => "END_OF_DATA",
        PythonException => "PYTHON_EXCEPTION",
        Timing => "TIMING",
        EndOfStream => "END_OF_STREAM",
        Log => "LOG",
        StartArrowStream => "START_ARROW_STREAM",
        Trailer => "TRAILER",
        RunHeader => "RUN_HEADER",
        Ping => "PING",
        Pong => "PONG",
        Hello => "HELLO",
        Request => "REQUEST",
        Error => "ERROR",
        Response => "RESPONSE",
        SharedData => "SHARED_DATA",
        SharedRegion => "SHARED_REGION",
        SharedEcho => "SHARED_ECHO",
        _ => $"unknown frame code {prefix}",
    };

    /// <summary>Whether the code is followed by an int32 length and a UTF-8 JSON payload.</summary>
    public static bool HasJsonPayload(int code) =>
        code is PythonException or Timing or Log or RunHeader or Hello or Request or Error or Response or SharedRegion;
}
