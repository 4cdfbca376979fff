using System.Net;
using System.Net.Sockets;

namespace DataBridge.Servers;

/// <summary>
/// A connection a <see cref="SocketServer"/> accepted and that has not authenticated yet. It holds the socket,
/// one buffer the size of the largest handshake and a deadline timer on the server's clock, and nothing else:
/// no stream, no frame buffers, no thread (its receives are awaited without blocking one). Exactly one of two
/// things happens to it, decided atomically: it is claimed by a verified handshake (<see cref="TryClaim"/>), or
/// it is aborted (deadline, eviction by a newer connection, server closing), which closes its socket.
/// </summary>
internal sealed class PendingHandshake : IDisposable
{
    /// <summary>magic "DBRG" (4) | int32 version | int32 token length.</summary>
    public const int HeadBytes = 12;

    /// <summary>The largest handshake: its head and the longest token accepted.</summary>
    public const int MaxBytes = HeadBytes + Protocol.ProtocolConstants.MaxTokenBytes;

    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Aborted = 2;

    private readonly ITimer _deadline;
    private int _state;
    private string? _abortReason;

    public PendingHandshake(Socket socket, TimeSpan timeout, TimeProvider time)
    {
        Socket = socket;
        try
        {
            Remote = socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            // Already reset by the peer: the first receive fails and ends it.
        }

        Node = new LinkedListNode<PendingHandshake>(this);
        _deadline = time.CreateTimer(static state => ((PendingHandshake)state!).Abort("deadline"), this, timeout, Timeout.InfiniteTimeSpan);
    }

    public Socket Socket { get; }

    /// <summary>The client's address (for logs).</summary>
    public EndPoint? Remote { get; }

    /// <summary>Where the handshake is read to: never more than <see cref="MaxBytes"/>, whatever a length says.</summary>
    public byte[] Buffer { get; } = new byte[MaxBytes];

    /// <summary>This connection's place in the server's list of pending handshakes (guarded by the server's lock).</summary>
    public LinkedListNode<PendingHandshake> Node { get; }

    /// <summary>Why it was aborted ("deadline", "evicted", "server closing"), or null.</summary>
    public string? AbortReason => Volatile.Read(ref _abortReason);

    /// <summary>Receives exactly <paramref name="count"/> bytes into <see cref="Buffer"/> at <paramref name="offset"/>.</summary>
    /// <exception cref="IOException">The peer closed the connection first.</exception>
    public async ValueTask ReceiveAsync(int offset, int count, CancellationToken cancellationToken)
    {
        int end = offset + count;
        while (offset < end)
        {
            int read = await Socket.ReceiveAsync(Buffer.AsMemory(offset, end - offset), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the client closed the connection during the handshake");
            }

            offset += read;
        }
    }

    /// <summary>Makes the connection an authenticated one, unless it was aborted first; stops the deadline.</summary>
    public bool TryClaim()
    {
        if (Interlocked.CompareExchange(ref _state, Claimed, Pending) != Pending)
        {
            return false;
        }

        _deadline.Dispose();
        return true;
    }

    /// <summary>Closes the socket (every pending receive ends) unless the connection was claimed first.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.CompareExchange(ref _state, Aborted, Pending) != Pending)
        {
            return;
        }

        Volatile.Write(ref _abortReason, reason);
        Socket.Dispose();
    }

    /// <summary>Stops the deadline; the socket belongs to whoever claimed the connection, or is already closed.</summary>
    public void Dispose() => _deadline.Dispose();
}
