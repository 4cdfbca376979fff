using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using DataBridge.Internal;
using DataBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace DataBridge.Servers;

/// <summary>
/// The machinery shared by the data and model servers (docs/protocol.md, section 3): a listener on a random
/// port, the token handshake, per-connection deadlines, the request loop, and the idle timer that closes the
/// server when no client came for <c>ServerIdleTimeout</c>.
/// </summary>
/// <remarks>
/// <para>Authenticate before spending: an accepted connection is a <see cref="PendingHandshake"/> (its socket, a
/// buffer of the largest handshake, a deadline) until its token is verified; only then does it get a task of its
/// own, a stream and its frame buffers. At most <c>MaxPendingHandshakes</c> connections wait for their
/// handshake; a new one beyond that closes the oldest waiting one. Each is closed at <c>HandshakeTimeout</c>.</para>
/// <para>Idle rule: the timer only runs while no authenticated connection is open, and it counts from the last
/// authenticated activity (the start, an authenticated connection's end, a request). Connections that have not
/// authenticated neither hold the server open nor reset the timer, and are closed with it: strangers cannot keep
/// a server alive.</para>
/// </remarks>
internal sealed class SocketServer : IAsyncDisposable
{
    /// <summary>Largest REQUEST payload accepted (requests are tiny JSON objects).</summary>
    public const int MaxRequestBytes = 64 * 1024;

    private readonly string _kind;
    private readonly IRequestHandler _handler;
    private readonly byte[] _token;
    private readonly ServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly HashSet<Task> _connections = [];
    private readonly LinkedList<PendingHandshake> _pending = new();
    private readonly ITimer _idleTimer;
    private Task _acceptLoop = Task.CompletedTask;

    // Guarded by _gate.
    private int _active;
    private DateTimeOffset _lastActivity;
    private bool _closing;

    public SocketServer(string kind, IRequestHandler handler, ReadOnlyMemory<byte> token, ServerOptions options)
    {
        _kind = kind;
        _handler = handler;
        _token = token.ToArray();
        _options = options;
        _logger = options.Logger;
        _time = options.TimeProvider;
        _listener = new TcpListener(options.BindAddress, 0);
        _idleTimer = _time.CreateTimer(static state => ((SocketServer)state!).OnIdleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The port listened on (known after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Completes when the server has closed (idle timeout or disposal) and every connection ended.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Whether the server is closing or closed.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closing;
            }
        }
    }

    /// <summary>Connections accepted and not authenticated yet (at most <c>MaxPendingHandshakes</c>).</summary>
    internal int PendingHandshakes
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Authenticated connections currently open (tests wait for zero before advancing a fake clock).</summary>
    internal int ActiveConnections
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>Binds, starts accepting and arms the idle timer.</summary>
    public void Start()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        ServerLog.Started(_logger, _kind, _options.BindAddress, Port);
        if (!IPAddress.IsLoopback(_options.BindAddress))
        {
            ServerLog.NonLoopback(_logger, _kind, _options.BindAddress, Port);
        }

        lock (_gate)
        {
            _lastActivity = _time.GetUtcNow();
            _idleTimer.Change(_options.ServerIdleTimeout, Timeout.InfiniteTimeSpan);
        }

        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
    }

    /// <summary>Stops listening, drops every connection and waits for them to end.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync("disposed"));

    private async Task CloseAsync(string reason)
    {
        bool first;
        lock (_gate)
        {
            first = !_closing;
            _closing = true;
        }

        if (!first)
        {
            await _closed.Task.ConfigureAwait(false);
            return;
        }

        ServerLog.Closed(_logger, _kind, Port, reason);
        _idleTimer.Dispose();
        _listener.Stop();
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        Task[] connections;
        PendingHandshake[] pending;
        lock (_gate)
        {
            connections = [.. _connections];
            pending = [.. _pending];
        }

        foreach (PendingHandshake handshake in pending)
        {
            handshake.Abort("server closing");
        }

        // Connection tasks never fault: each one handles its own failures.
        await Task.WhenAll(connections).ConfigureAwait(false);
        _shutdown.Dispose();
        _closed.TrySetResult();
    }

    private void OnIdleTimer()
    {
        lock (_gate)
        {
            if (_closing || _active > 0)
            {
                // A connection's end re-arms the timer.
                return;
            }

            TimeSpan idle = _time.GetUtcNow() - _lastActivity;
            if (idle < _options.ServerIdleTimeout)
            {
                _idleTimer.Change(_options.ServerIdleTimeout - idle, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        // Not inline: closing waits for the accept loop, and a timer callback should not block.
        _ = Task.Run(() => CloseAsync($"no connection for {_options.ServerIdleTimeout}"), CancellationToken.None);
    }

    private void Touch()
    {
        lock (_gate)
        {
            _lastActivity = _time.GetUtcNow();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_shutdown.Token).ConfigureAwait(false);
                Telemetry.ServerConnections.Add(1);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // Closing: the listener was stopped.
                return;
            }

            var pending = new PendingHandshake(socket, _options.HandshakeTimeout, _time);
            PendingHandshake? evicted = null;
            lock (_gate)
            {
                if (_closing)
                {
                    pending.Dispose();
                    socket.Dispose();
                    return;
                }

                if (_pending.Count >= _options.MaxPendingHandshakes)
                {
                    // Bounded: the connection that has waited longest (the likeliest stalled stranger) makes room.
                    evicted = _pending.First!.Value;
                    _pending.RemoveFirst();
                }

                _pending.AddLast(pending.Node);
            }

            evicted?.Abort("evicted");

            // Not Task.Run: until it authenticates, a connection only awaits receives on its socket.
            Task task = RunConnectionAsync(pending);
            lock (_gate)
            {
                _connections.Add(task);
            }

            _ = task.ContinueWith(t => Forget(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Forget(Task connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    private async Task RunConnectionAsync(PendingHandshake pending)
    {
        if (await AuthenticateAsync(pending).ConfigureAwait(false))
        {
            // Authenticated: from here on the connection has a task, a stream and buffers of its own.
            await Task.Run(() => ServeAsync(pending.Socket), CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Handshake (section 3, the fields of 2.1):
    //   client → server: magic "DBRG" (4) | int32 version | int32 n (1..MaxTokenBytes) | n bytes token (ASCII hex)
    //   server → client: magic "DBRG" (4) | int32 version | int32 0
    // Read straight from the socket into the pending connection's fixed buffer. Anything wrong, the deadline,
    // an eviction or the server closing: the connection is closed without a byte written, the reason only logged.
    // True: the connection is authenticated and counted in _active; its socket now belongs to ServeAsync.
    private async Task<bool> AuthenticateAsync(PendingHandshake pending)
    {
        string? reason = null;
        bool authenticated = false;
        try
        {
            byte[] buffer = pending.Buffer;
            await pending.ReceiveAsync(0, PendingHandshake.HeadBytes, _shutdown.Token).ConfigureAwait(false);
            int length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(8));
            if (!buffer.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic))
            {
                reason = "wrong magic";
            }
            else if (BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(4)) != ProtocolConstants.Version)
            {
                reason = "wrong protocol version";
            }
            else if (length == 0)
            {
                reason = "missing token";
            }
            else if ((uint)length > ProtocolConstants.MaxTokenBytes)
            {
                reason = $"token length {length} out of range";
            }
            else
            {
                await pending.ReceiveAsync(PendingHandshake.HeadBytes, length, _shutdown.Token).ConfigureAwait(false);
                if (!CryptographicOperations.FixedTimeEquals(buffer.AsSpan(PendingHandshake.HeadBytes, length), _token))
                {
                    reason = "wrong token";
                }
            }

            if (reason is not null)
            {
                ServerLog.Rejected(_logger, _kind, Port, pending.Remote, reason);
                return false;
            }

            if (!pending.TryClaim())
            {
                return false;
            }

            lock (_gate)
            {
                Unlist(pending);
                if (_closing)
                {
                    return false;
                }

                _active++;
                authenticated = true;
                _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            ProtocolConstants.Magic.CopyTo(buffer);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), ProtocolConstants.Version);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), 0);
            await pending.Socket.SendAsync(buffer.AsMemory(0, PendingHandshake.HeadBytes), SocketFlags.None, _shutdown.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            if (pending.AbortReason == "deadline")
            {
                ServerLog.ClientTimedOut(_logger, _kind, Port, pending.Remote, _options.HandshakeTimeout);
            }
            else if (pending.AbortReason == "evicted")
            {
                ServerLog.Rejected(_logger, _kind, Port, pending.Remote, $"more than {_options.MaxPendingHandshakes} connections awaiting their handshake: the oldest was closed");
            }

            if (authenticated)
            {
                // The answer could not be sent: end it as an authenticated connection (the counters, the timer).
                EndAuthenticated("connection broken: " + ex.Message, pending.Remote);
                authenticated = false;
            }

            return false;
        }
        finally
        {
            pending.Dispose();
            if (!authenticated)
            {
                lock (_gate)
                {
                    Unlist(pending);
                }

                pending.Socket.Dispose();
            }
        }
    }

    // Under _gate. Idempotent: an evicted connection was already taken off the list.
    private void Unlist(PendingHandshake pending)
    {
        if (pending.Node.List is not null)
        {
            _pending.Remove(pending.Node);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        ServerConnection? connection = null;
        string ended = "closed by the client";
        try
        {
            socket.NoDelay = true;
            connection = new ServerConnection(socket, _options, _shutdown.Token);
            Touch();
            ended = await RequestLoopAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException)
        {
            ended = _shutdown.IsCancellationRequested ? "server closing" : "deadline";
            if (!_shutdown.IsCancellationRequested)
            {
                ServerLog.ClientTimedOut(_logger, _kind, Port, connection?.Remote, _options.ClientTimeout);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ConnectionClosedException)
        {
            ended = "connection broken: " + ex.Message;
        }
        catch (Exception ex) when (ex is DataBridgeException or JsonException)
        {
            // The client broke the protocol or asked for something that does not exist: tell it, then close.
            ended = "error sent";
            ServerLog.ClientError(_logger, _kind, Port, connection?.Remote, ex.Message);
            await TrySendErrorAsync(connection, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ended = "internal error";
            ServerLog.Unexpected(_logger, ex, _kind, Port, connection?.Remote);
            await TrySendErrorAsync(connection, "internal server error").ConfigureAwait(false);
        }
        finally
        {
            if (connection is null)
            {
                socket.Dispose();
            }
            else
            {
                connection.Dispose();
            }

            EndAuthenticated(ended, connection?.Remote);
        }
    }

    private void EndAuthenticated(string ended, EndPoint? remote)
    {
        ServerLog.ConnectionEnded(_logger, _kind, Port, remote, ended);
        lock (_gate)
        {
            _lastActivity = _time.GetUtcNow();
            if (--_active == 0 && !_closing)
            {
                TimeSpan remaining = _options.ServerIdleTimeout - (_time.GetUtcNow() - _lastActivity);
                _idleTimer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    // Requests one at a time until the client closes at a request boundary or sends END_OF_STREAM.
    private async Task<string> RequestLoopAsync(ServerConnection connection)
    {
        while (true)
        {
            connection.Arm(_options.ClientTimeout);
            CancellationToken token = connection.Token;
            int prefix;
            try
            {
                prefix = await connection.Reader.ReadPrefixAsync(token).ConfigureAwait(false);
            }
            catch (ConnectionClosedException) when (connection.Reader.Buffered == 0)
            {
                return "closed by the client";
            }

            if (prefix == FrameCode.EndOfStream)
            {
                return "END_OF_STREAM";
            }

            if (prefix != FrameCode.Request)
            {
                throw new ServerRequestException($"Protocol error: expected a REQUEST frame, got {FrameCode.Name(prefix)}.");
            }

            ReadOnlyMemory<byte> payload = await connection.Reader.ReadPayloadAsync(prefix, MaxRequestBytes, token).ConfigureAwait(false);
            using JsonDocument request = ParseRequest(payload);
            string op = request.RootElement.TryGetProperty("op", out JsonElement opElement) && opElement.ValueKind == JsonValueKind.String
                ? opElement.GetString()!
                : throw new ServerRequestException("Malformed request: no \"op\" string.");
            Touch();
            connection.ResetOnProgress = true;
            connection.OnProgress();
            await _handler.HandleAsync(connection, op, request.RootElement, token).ConfigureAwait(false);
            Touch();
        }
    }

    private static JsonDocument ParseRequest(ReadOnlyMemory<byte> payload)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new ServerRequestException("Malformed request: not JSON.", ex);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new ServerRequestException("Malformed request: not a JSON object.");
        }

        return doc;
    }

    // Best effort with a short deadline of its own: the client may be gone or not reading.
    private async Task TrySendErrorAsync(ServerConnection? connection, string message)
    {
        if (connection is null || _shutdown.IsCancellationRequested)
        {
            return;
        }

        try
        {
            connection.Arm(TimeSpan.FromSeconds(Math.Min(5, _options.ClientTimeout.TotalSeconds)));
            await connection.WriteErrorAsync(message, connection.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            ServerLog.ConnectionEnded(_logger, _kind, Port, connection.Remote, "the ERROR frame could not be delivered: " + ex.Message);
        }
    }
}
