using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DataBridge.Internal;
using DataBridge.Protocol;
using DataBridge.Workers;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// An in-process stand-in for the Python daemon and its workers: a TcpListener on 127.0.0.1 that runs a test
/// script on each accepted connection, speaking the protocol with raw bytes. It records kill requests and
/// answers exit-report queries with <see cref="ExitReport"/>.
/// </summary>
internal sealed class FakeWorker : IWorkerHost, IAsyncDisposable
{
    public const int WorkerPid = 4242;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeSession, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];
    private readonly Task _acceptLoop;
    private int _disposed;

    public FakeWorker(Func<FakeSession, Task> script)
    {
        _script = script;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        WorkerEndPoint = new IPEndPoint(IPAddress.Loopback, Port);
        _acceptLoop = AcceptLoopAsync();
    }

    public static SecretToken Token { get; } = SecretToken.FromHex("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF");

    public int Port { get; }

    public EndPoint WorkerEndPoint { get; }

    public bool HasExited { get; set; }

    public ConcurrentQueue<int> KillRequests { get; } = new();

    public WorkerExit? ExitReport { get; set; }

    public ConcurrentQueue<Exception> ScriptFailures { get; } = new();

    /// <summary>"kill" and "wait-exit", in the order the host side called them.</summary>
    public ConcurrentQueue<string> HostCalls { get; } = new();

    public ValueTask KillWorkerAsync(int processId)
    {
        HostCalls.Enqueue("kill");
        KillRequests.Enqueue(processId);
        return ValueTask.CompletedTask;
    }

    public Task<WorkerExit?> WaitForWorkerExitAsync(int processId, TimeSpan timeout)
    {
        HostCalls.Enqueue("wait-exit");
        return Task.FromResult(ExitReport);
    }

    public Task<WorkerConnection> ConnectAsync(TimeSpan? connectTimeout = null, SecretToken? token = null) =>
        WorkerConnection.ConnectAsync(this, token ?? Token, 4096, connectTimeout ?? TimeSpan.FromSeconds(5), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        // The pool under test disposes its host too: only the first disposal does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (OperationCanceledException)
        {
            // The accept loop ends by cancellation.
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_sessions)
            {
                _sessions.Add(RunSessionAsync(client));
            }
        }
    }

    private async Task RunSessionAsync(TcpClient client)
    {
        using (client)
        {
            var session = new FakeSession(client.GetStream(), _stop.Token);
            try
            {
                await _script(session);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
            {
                // The host broke the connection (as the test intends, e.g. a cancellation).
                ScriptFailures.Enqueue(ex);
            }
        }
    }
}

/// <summary>One fake worker connection: raw little-endian reads and writes of the protocol's pieces.</summary>
internal sealed class FakeSession(NetworkStream stream, CancellationToken stop)
{
    public NetworkStream Stream { get; } = stream;

    public CancellationToken Stop { get; } = stop;

    /// <summary>Reads the host's handshake; answers it when the token is right, else closes. Returns whether it matched.</summary>
    public async Task<bool> AcceptHandshakeAsync(int pid = FakeWorker.WorkerPid)
    {
        byte[] head = await ReadExactAsync(12);
        int length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8));
        byte[] token = await ReadExactAsync(length);
        if (!head.AsSpan(0, 4).SequenceEqual("DBRG"u8) || !FakeWorker.Token.Matches(Encoding.ASCII.GetString(token)))
        {
            Stream.Close();
            return false;
        }

        byte[] answer = new byte[12];
        "DBRG"u8.CopyTo(answer);
        BinaryPrimitives.WriteInt32LittleEndian(answer.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(answer.AsSpan(8), pid);
        await Stream.WriteAsync(answer, Stop);
        return true;
    }

    /// <summary>Reads one run's header and its whole input (data bytes concatenated) up to END_OF_DATA.</summary>
    public async Task<FakeRunInput> ReadRunAsync() => await ReadRunInputAsync(await ReadRunHeaderAsync());

    /// <summary>Reads one run's RUN_HEADER frame and returns its JSON bytes.</summary>
    public async Task<byte[]> ReadRunHeaderAsync()
    {
        int code = await ReadInt32Async();
        Assert.That(code, Is.EqualTo(FrameCode.RunHeader), "the first frame of a run is RUN_HEADER");
        return await ReadExactAsync(await ReadInt32Async());
    }

    /// <summary>Reads the input of the run whose header was read (data bytes concatenated) up to END_OF_DATA.</summary>
    public async Task<FakeRunInput> ReadRunInputAsync(byte[] header)
    {
        using var data = new MemoryStream();
        Trailer? trailer = null;
        while (true)
        {
            int prefix = await ReadInt32Async();
            if (prefix >= 0)
            {
                data.Write(await ReadExactAsync(prefix));
            }
            else if (prefix == FrameCode.Trailer)
            {
                byte[] body = await ReadExactAsync(16);
                trailer = new Trailer(BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(8)));
            }
            else if (prefix == FrameCode.EndOfData)
            {
                break;
            }
            else
            {
                Assert.Fail($"unexpected input frame {prefix}");
            }
        }

        return new FakeRunInput(JsonDocument.Parse(header), data.ToArray(), trailer);
    }

    public async Task<int> ReadInt32Async() => BinaryPrimitives.ReadInt32LittleEndian(await ReadExactAsync(4));

    public async Task<byte[]> ReadExactAsync(int count)
    {
        byte[] buffer = new byte[count];
        await Stream.ReadExactlyAsync(buffer, Stop);
        return buffer;
    }

    public Task WriteInt32Async(int value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Stream.WriteAsync(bytes, Stop).AsTask();
    }

    public async Task WriteDataAsync(byte[] data)
    {
        await WriteInt32Async(data.Length);
        await Stream.WriteAsync(data, Stop);
    }

    public async Task WriteJsonFrameAsync(int code, string json)
    {
        byte[] payload = Encoding.UTF8.GetBytes(json);
        await WriteInt32Async(code);
        await WriteInt32Async(payload.Length);
        await Stream.WriteAsync(payload, Stop);
    }

    public async Task WriteTrailerAsync(long rows, long batches)
    {
        byte[] bytes = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, FrameCode.Trailer);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), rows);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), batches);
        await Stream.WriteAsync(bytes, Stop);
    }

    /// <summary>The tail of a clean run: trailer, TIMING, END_OF_DATA, END_OF_STREAM.</summary>
    public async Task WriteCleanEndAsync(long rows, long batches)
    {
        await WriteTrailerAsync(rows, batches);
        await WriteJsonFrameAsync(FrameCode.Timing, """{"boot_ms":1.5,"init_ms":0.25,"run_ms":2,"finish_ms":0.125}""");
        await WriteInt32Async(FrameCode.EndOfData);
        await WriteInt32Async(FrameCode.EndOfStream);
    }

    /// <summary>Answers PINGs until END_OF_STREAM or EOF.</summary>
    public async Task ServeBetweenRunsAsync()
    {
        while (true)
        {
            byte[] prefix = new byte[4];
            int read = await Stream.ReadAtLeastAsync(prefix, 4, throwOnEndOfStream: false, Stop);
            if (read < 4)
            {
                return;
            }

            int code = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (code == FrameCode.Ping)
            {
                await WriteInt32Async(FrameCode.Pong);
            }
            else if (code == FrameCode.EndOfStream)
            {
                return;
            }
            else
            {
                Assert.Fail($"unexpected frame {code} between runs");
            }
        }
    }
}

/// <summary>What the fake worker received in one run.</summary>
internal sealed record FakeRunInput(JsonDocument Header, byte[] Data, Trailer? Trailer);
