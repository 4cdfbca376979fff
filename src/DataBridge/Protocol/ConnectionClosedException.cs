namespace DataBridge.Protocol;

/// <summary>
/// The peer closed the socket (end of stream) where the protocol expected more bytes. Internal: the worker
/// layer turns it into a <see cref="WorkerCrashedException"/> (with the daemon's exit report) or reports it
/// as a protocol failure during the handshake.
/// </summary>
internal sealed class ConnectionClosedException : DataBridgeException
{
    public ConnectionClosedException(string message)
        : base(message)
    {
    }

    public ConnectionClosedException()
    {
    }

    public ConnectionClosedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
