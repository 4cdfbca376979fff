using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DataBridge.Protocol;

namespace DataBridge.Servers;

/// <summary>
/// One client of a server: the socket, its one <see cref="FrameReader"/> and one <see cref="FrameWriter"/>
/// (section 2.2 framing, shared with the worker protocol), and its deadline. The deadline is a cancellation
/// source on the server's clock: armed once for the handshake and for each request (a client trickling bytes
/// cannot stretch it), and re-armed on every socket operation while a response or an upload flows.
/// </summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenRegistration _shutdownRegistration;
    private readonly TimeSpan _clientTimeout;

    public ServerConnection(Socket socket, ServerOptions options, CancellationToken shutdown)
    {
        _socket = socket;
        _clientTimeout = options.ClientTimeout;
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
        Remote = socket.RemoteEndPoint;
        var stream = new DeadlineStream(new NetworkStream(socket, ownsSocket: false), this);
        Reader = new FrameReader(stream, options.BufferSize);
        Writer = new FrameWriter(stream, options.BufferSize);

        // Last: when the server is already closing this aborts at once, and the first read fails cleanly.
        _shutdownRegistration = shutdown.UnsafeRegister(static state => ((ServerConnection)state!).Abort(), this);
    }

    /// <summary>The client's address (for logs).</summary>
    public EndPoint? Remote { get; }

    public FrameReader Reader { get; }

    public FrameWriter Writer { get; }

    /// <summary>Cancelled when the deadline passes or the server shuts down.</summary>
    public CancellationToken Token => _deadline.Token;

    /// <summary>Whether socket operations re-arm the deadline with <c>ClientTimeout</c> (while data flows).</summary>
    public bool ResetOnProgress { get; set; }

    /// <summary>Arms the deadline: the connection is dropped unless the current phase ends within <paramref name="timeout"/>.</summary>
    public void Arm(TimeSpan timeout)
    {
        ResetOnProgress = false;
        _deadline.CancelAfter(timeout);
    }

    /// <summary>Called before every socket operation.</summary>
    public void OnProgress()
    {
        if (ResetOnProgress)
        {
            _deadline.CancelAfter(_clientTimeout);
        }
    }

    /// <summary>Writes a RESPONSE frame whose JSON object <paramref name="build"/> fills.</summary>
    public ValueTask WriteResponseAsync(Action<Utf8JsonWriter> build, CancellationToken cancellationToken) =>
        Writer.WritePayloadFrameAsync(FrameCode.Response, Json(build), cancellationToken);

    /// <summary>Writes an ERROR frame <c>{"message"}</c> and flushes it.</summary>
    public async ValueTask WriteErrorAsync(string message, CancellationToken cancellationToken)
    {
        await Writer.WritePayloadFrameAsync(FrameCode.Error, Json(w => w.WriteString("message", message)), cancellationToken).ConfigureAwait(false);
        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the socket at once: every pending read or write ends.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing below is all that is left to do.
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _socket.Dispose();
    }

    public void Dispose()
    {
        _shutdownRegistration.Dispose();
        _socket.Dispose();
        _deadline.Dispose();
    }

    private static byte[] Json(Action<Utf8JsonWriter> build)
    {
        using var buffer = new MemoryStream(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            build(json);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
