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
/// port, one task per connection, the token handshake, per-connection deadlines, the request loop, and the
/// idle timer that closes the server when no client came for <c>ServerIdleTimeout</c>.
/// </summary>
/// <remarks>
/// Idle rule: the timer only runs while no connection is open, and it counts from the last authenticated
/// activity (the start, an authenticated connection's end, a request). A connection being handshaken holds
/// the server open but, if it fails the handshake, does not reset the timer: a stranger knocking cannot keep a
/// server alive.
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

    /// <summary>Connections currently open (tests wait for zero before advancing a fake clock).</summary>
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
        lock (_gate)
        {
            connections = [.. _connections];
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

            lock (_gate)
            {
                if (_closing)
                {
                    socket.Dispose();
                    return;
                }

                _active++;
                _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                Task task = Task.Run(() => ServeAsync(socket), CancellationToken.None);
                _connections.Add(task);
                _ = task.ContinueWith(t => Forget(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private void Forget(Task connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        bool authenticated = false;
        ServerConnection? connection = null;
        string ended = "closed by the client";
        try
        {
            socket.NoDelay = true;
            connection = new ServerConnection(socket, _options, _shutdown.Token);
            authenticated = await HandshakeAsync(connection).ConfigureAwait(false);
            if (authenticated)
            {
                Touch();
                ended = await RequestLoopAsync(connection).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException)
        {
            ended = _shutdown.IsCancellationRequested ? "server closing" : "deadline";
            if (!_shutdown.IsCancellationRequested)
            {
                ServerLog.ClientTimedOut(_logger, _kind, Port, connection?.Remote, authenticated ? _options.ClientTimeout : _options.HandshakeTimeout);
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

            ServerLog.ConnectionEnded(_logger, _kind, Port, connection?.Remote, ended);
            lock (_gate)
            {
                if (authenticated)
                {
                    _lastActivity = _time.GetUtcNow();
                }

                if (--_active == 0 && !_closing)
                {
                    TimeSpan remaining = _options.ServerIdleTimeout - (_time.GetUtcNow() - _lastActivity);
                    _idleTimer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    // Handshake (section 3, the fields of 2.1):
    //   client → server: magic "DBRG" (4) | int32 version | int32 n (0..MaxTokenBytes) | n bytes token (ASCII hex)
    //   server → client: magic "DBRG" (4) | int32 version | int32 0
    // Anything wrong: the connection is closed without a byte written, and the reason only logged.
    private async Task<bool> HandshakeAsync(ServerConnection connection)
    {
        connection.Arm(_options.HandshakeTimeout);
        CancellationToken token = connection.Token;
        byte[] head = new byte[12];
        await connection.Reader.ReadExactlyAsync(head, "reading the handshake", token).ConfigureAwait(false);
        string? reason = null;
        int length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8));
        if (!head.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic))
        {
            reason = "wrong magic";
        }
        else if (BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4)) != ProtocolConstants.Version)
        {
            reason = "wrong protocol version";
        }
        else if ((uint)length > ProtocolConstants.MaxTokenBytes)
        {
            reason = $"token length {length} out of range";
        }
        else
        {
            byte[] presented = new byte[length];
            await connection.Reader.ReadExactlyAsync(presented, "reading the handshake token", token).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(presented, _token))
            {
                reason = length == 0 ? "missing token" : "wrong token";
            }
        }

        if (reason is not null)
        {
            ServerLog.Rejected(_logger, _kind, Port, connection.Remote, reason);
            return false;
        }

        await connection.Writer.WriteRawAsync(ProtocolConstants.Magic.ToArray(), token).ConfigureAwait(false);
        await connection.Writer.WriteInt32Async(ProtocolConstants.Version, token).ConfigureAwait(false);
        await connection.Writer.WriteInt32Async(0, token).ConfigureAwait(false);
        await connection.Writer.FlushAsync(token).ConfigureAwait(false);
        return true;
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
