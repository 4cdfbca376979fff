namespace DataBridge.Protocol;

/// <summary>Throw helpers for protocol violations, so hot read paths stay small.</summary>
internal static class ProtocolErrors
{
    /// <summary>The peer closed the connection in the middle of something.</summary>
    public static DataBridgeException ConnectionClosed(string whileDoing) =>
        new ConnectionClosedException($"The worker connection was closed while {whileDoing}.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowConnectionClosed(string whileDoing) => throw ConnectionClosed(whileDoing);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowUnexpectedFrame(int prefix, string context) =>
        throw new DataBridgeException($"Protocol error: unexpected {FrameCode.Name(prefix)} {context}.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowBadLength(int code, int length, int max) =>
        throw new DataBridgeException(length < 0
            ? $"Protocol error: {FrameCode.Name(code)} frame with a negative payload length ({length})."
            : $"Protocol error: {FrameCode.Name(code)} frame of {length} bytes exceeds the maximum of {max} bytes.");

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void ThrowBadPayload(int code, Exception? inner) =>
        throw new DataBridgeException($"Protocol error: the {FrameCode.Name(code)} frame does not hold the expected JSON object.", inner);
}
