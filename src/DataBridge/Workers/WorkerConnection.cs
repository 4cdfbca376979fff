using System.Net;
using System.Net.Sockets;
using DataBridge.Internal;
using DataBridge.Protocol;
using DataBridge.Workers.SharedMemory;

namespace DataBridge.Workers;

/// <summary>
/// One connection (a Unix-domain socket, or TCP on 127.0.0.1) to one forked worker: its socket, its one frame reader and one frame writer, the code
/// hashes it has seen, and its state. Runs go through <see cref="StartRunAsync"/>; between runs the pool
/// pings it. Breaking the connection (<see cref="Abort"/>) kills the worker through its host and closes
/// the socket, which ends every pending read and write at once.
/// </summary>
internal sealed partial class WorkerConnection : IAsyncDisposable
{
    /// <summary>The send and receive buffer size asked for on a Unix-domain socket (docs/performance.md, "Worker transports").</summary>
    internal const int UnixSocketBufferBytes = 4 << 20;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private int _aborted;
    private int _killed;

    private WorkerConnection(IWorkerHost host, Socket socket, int bufferSize, TimeSpan connectTimeout)
    {
        Host = host;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = new FrameReader(_stream, bufferSize);
        Writer = new FrameWriter(_stream, bufferSize);
        ConnectTimeout = connectTimeout;
    }

    /// <summary>The process that forked this worker.</summary>
    public IWorkerHost Host { get; }

    /// <summary>The worker's pid (from the handshake).</summary>
    public int ProcessId { get; private set; }

    /// <summary>The deadline of connect, handshake and ping.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>The code hashes this connection has sent.</summary>
    public CodeHashCache CodeHashes { get; } = new();

    /// <summary>When the worker last went idle (pool bookkeeping).</summary>
    public long IdleSinceTimestamp { get; set; }

    /// <summary>Whether the connection was broken (it must not be used again).</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    internal FrameReader Reader { get; }

    /// <summary>The kernel's buffer sizes of the socket (SO_RCVBUF, SO_SNDBUF), for tests.</summary>
    internal (int Receive, int Send) SocketBufferSizes => (_socket.ReceiveBufferSize, _socket.SendBufferSize);

    internal FrameWriter Writer { get; }

    /// <summary>Connects to the host's port and performs the handshake, all within <paramref name="connectTimeout"/>.</summary>
    /// <param name="host">The daemon (or fake) whose workers are reached at its <see cref="IWorkerHost.WorkerEndPoint"/>.</param>
    /// <param name="token">The bridge's secret.</param>
    /// <param name="bufferSize">The frame buffers' size.</param>
    /// <param name="connectTimeout">The deadline of connect and handshake.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <param name="shared">The bridge's shared-memory settings, or null for none (tests).</param>
    public static async Task<WorkerConnection> ConnectAsync(
        IWorkerHost host, SecretToken token, int bufferSize, TimeSpan connectTimeout, CancellationToken cancellationToken, SharedMemorySettings? shared = null)
    {
        // SO_RCVBUF/SO_SNDBUF stay unset: setting them turns off TCP auto-tuning, and 64 KiB buffers halved the
        // throughput of a large transfer (docs/performance.md).
        EndPoint endPoint = host.WorkerEndPoint;
        // A Unix-domain socket has no auto-tuning: its send buffer (net.core.wmem_default, ~208 KiB) bounds how far a
        // bulk sender runs ahead, so it is raised (the kernel caps it at net.core.wmem_max).
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendBufferSize = UnixSocketBufferBytes, ReceiveBufferSize = UnixSocketBufferBytes }
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        WorkerConnection? connection = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectTimeout);
        try
        {
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            connection = new WorkerConnection(host, socket, bufferSize, connectTimeout) { _sharedSettings = shared };
            await connection.HandshakeAsync(token, deadline.Token).ConfigureAwait(false);
            return connection;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Dispose(socket, connection);
            throw new DataBridgeException($"Connecting to a Python worker at {PythonDaemon.Describe(endPoint)} did not complete within {connectTimeout.TotalSeconds:0.###} s.", ex);
        }
        catch (SocketException ex)
        {
            Dispose(socket, connection);
            throw new DataBridgeException($"Connecting to a Python worker at {PythonDaemon.Describe(endPoint)} failed: {ex.Message}", ex);
        }
        catch
        {
            Dispose(socket, connection);
            throw;
        }
    }

    /// <summary>
    /// How long after its PING was sent an answer read at reuse still counts: a connection idle for longer is pinged
    /// again before it is reused (the answer read then proves the worker was alive when it went idle, not now).
    /// </summary>
    internal static readonly TimeSpan PingAheadValidFor = TimeSpan.FromSeconds(1);

    // Whether a PING was sent as the connection went idle (its PONG not read yet), and when.
    private bool _pingAhead;
    private long _pingAheadTimestamp;

    /// <summary>
    /// Sends the PING of the next reuse's liveness check as the connection goes idle. The worker answers it once it
    /// has released the run, so that round trip overlaps what the caller does next instead of delaying its next run.
    /// False (and the connection is broken) when it cannot be written.
    /// </summary>
    public async ValueTask<bool> PingAheadAsync(TimeProvider clock)
    {
        using var deadline = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await Writer.WriteControlAsync(FrameCode.Ping, deadline.Token).ConfigureAwait(false);
            await Writer.FlushAsync(deadline.Token).ConfigureAwait(false);
            _pingAheadTimestamp = clock.GetTimestamp();
            _pingAhead = true;
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort();
            return false;
        }
    }

    /// <summary>
    /// Liveness check before reuse: the PONG of the PING sent as the connection went idle (<see cref="PingAheadAsync"/>),
    /// with nothing after it on the socket (a worker that died since has closed it); then, when that PING is older than
    /// <see cref="PingAheadValidFor"/> or there was none, a PING and its PONG now. Each answer must come within the
    /// connect timeout. False (and the connection is broken) on anything else.
    /// </summary>
    public Task<bool> PingAsync(CancellationToken cancellationToken) => PingAsync(TimeProvider.System, cancellationToken);

    /// <inheritdoc cref="PingAsync(CancellationToken)"/>
    /// <param name="clock">The pool's clock (the age of a PING sent ahead).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async Task<bool> PingAsync(TimeProvider clock, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        try
        {
            bool ahead = _pingAhead;
            _pingAhead = false;
            if (ahead)
            {
                if (await Reader.ReadPrefixAsync(deadline.Token).ConfigureAwait(false) != FrameCode.Pong || Reader.Buffered != 0 || _socket.Poll(0, SelectMode.SelectRead))
                {
                    Abort();
                    return false;
                }

                if (clock.GetElapsedTime(_pingAheadTimestamp) < PingAheadValidFor)
                {
                    return true;
                }
            }

            await Writer.WriteControlAsync(FrameCode.Ping, deadline.Token).ConfigureAwait(false);
            await Writer.FlushAsync(deadline.Token).ConfigureAwait(false);
            int answer = await Reader.ReadPrefixAsync(deadline.Token).ConfigureAwait(false);
            if (answer == FrameCode.Pong)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or DataBridgeException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        Abort();
        return false;
    }

    /// <summary>Ends the connection politely: END_OF_STREAM (the worker exits), then close.</summary>
    public async ValueTask CloseAsync()
    {
        if (!IsAborted)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await Writer.WriteControlAsync(FrameCode.EndOfStream, deadline.Token).ConfigureAwait(false);
                await Writer.FlushAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The worker is already gone; closing is all that is left to do.
                Abort();
            }
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Breaks the connection: asks the host to kill the worker and closes the socket, so every blocked read
    /// or write on it ends immediately. Idempotent and safe from any thread (cancellation callbacks).
    /// </summary>
    public void Abort()
    {
        if (ProcessId > 0 && Interlocked.Exchange(ref _killed, 1) == 0)
        {
            _ = KillQuietlyAsync();
        }

        Disconnect();
    }

    /// <summary>
    /// Closes the socket without killing the worker: for a connection that broke by itself, whose worker is
    /// (most likely) ending on its own. Its exit report must be read before any kill, or the kill would be
    /// what the report says (signal 9, no stderr) instead of the real cause. Idempotent, safe from any thread.
    /// </summary>
    public void Disconnect()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        _stream.Dispose();
        ReleaseSharedMemory();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        ReleaseSharedMemory();
        return ValueTask.CompletedTask;
    }

    private async Task KillQuietlyAsync()
    {
        await Host.KillWorkerAsync(ProcessId).ConfigureAwait(false);
    }

    private static void Dispose(Socket socket, WorkerConnection? connection)
    {
        if (connection is not null)
        {
            connection._stream.Dispose();
        }

        socket.Dispose();
    }
}
