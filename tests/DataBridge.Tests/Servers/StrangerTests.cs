using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DataBridge.Servers;
using DataBridge.Tests.Support;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Servers;

/// <summary>
/// Strangers at a data or model server (docs/security.md): raw sockets without the token. Until a connection
/// authenticates it costs one handshake-sized buffer and nothing else; at most 64 wait at once (a new one closes
/// the oldest); each is closed at the handshake deadline without a byte; none of them keeps the server open.
/// </summary>
[TestFixture("data")]
[TestFixture("model")]
[CancelAfter(60_000)]
public sealed class StrangerTests(string kind)
{
    private readonly List<Socket> _strangers = [];
    private string _modelDir = null!;
    private List<RecordBatch> _partitions = null!;

    [SetUp]
    public void CreateData()
    {
        _partitions = Partitions(2);
        _modelDir = Directory.CreateTempSubdirectory("databridge-stranger-model-").FullName;
        File.WriteAllText(Path.Combine(_modelDir, "weights.bin"), "weights");
    }

    [TearDown]
    public void Cleanup()
    {
        foreach (Socket socket in _strangers)
        {
            socket.Dispose();
        }

        _strangers.Clear();
        DisposeAll(_partitions);
        Directory.Delete(_modelDir, recursive: true);
    }

    [Test]
    public async Task StrangerConnections_HoldOnlyAHandshakeBuffer_NoConnectionBuffers()
    {
        var time = new FakeTimeProvider(); // no deadline fires while we measure
        ServerOptions options = Loopback(time);
        options.BufferSize = 1024 * 1024; // an authenticated connection gets 2 MiB: impossible to miss
        await using Served server = Start(options);
        const int strangers = 32;

        long before = GC.GetTotalAllocatedBytes(precise: true);
        await ConnectStrangersAsync(server.Port, strangers);
        await WaitUntilAsync(() => server.Socket.PendingHandshakes == strangers, "the server to accept every stranger");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"{kind} server: {strangers} strangers cost {allocated} bytes");

        // Old code: two 1 MiB frame buffers per stranger (64 MiB). Now: about 1 KiB each, plus sockets and the
        // test's own noise (process-wide figure).
        Assert.That(allocated, Is.LessThan(4L * 1024 * 1024), $"{strangers} strangers cost {allocated} bytes");
        Assert.That(server.Socket.ActiveConnections, Is.Zero, "a stranger counted as an authenticated connection");
        await AssertServesAsync(server);
    }

    [Test]
    public async Task StrangerConnections_BeyondTheBound_TheOldestAreClosedWithoutAByte()
    {
        var time = new FakeTimeProvider();
        await using Served server = Start(Loopback(time));
        const int bound = DataBridge.Protocol.ProtocolConstants.MaxPendingHandshakes;

        await ConnectStrangersAsync(server.Port, bound + 8);

        for (int i = 0; i < 8; i++)
        {
            Assert.That(await BytesUntilClosedAsync(_strangers[i]), Is.Zero, $"stranger {i} (among the oldest)");
        }

        await WaitUntilAsync(() => server.Socket.PendingHandshakes == bound, "the newest strangers to be pending");
        Assert.That(_strangers.Skip(8).Count(IsOpen), Is.EqualTo(bound), "the newest strangers were closed instead");
        await AssertServesAsync(server);
        Assert.That(server.Socket.PendingHandshakes, Is.LessThanOrEqualTo(bound));
    }

    [Test]
    public async Task StrangerConnections_SilentOrPartial_ClosedAtTheHandshakeDeadlineNotBefore()
    {
        var time = new FakeTimeProvider();
        await using Served server = Start(Loopback(time));
        await ConnectStrangersAsync(server.Port, 10);
        Socket partial = await ConnectStrangerAsync(server.Port);
        byte[] head = Handshake(server.Token.Length);
        await partial.SendAsync(head.AsMemory(0, 12 + 10)); // the head and 10 bytes of a token, then nothing
        await WaitUntilAsync(() => server.Socket.PendingHandshakes == 11, "the server to accept every stranger");

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.That(_strangers.All(IsOpen), Is.True, "closed before the 10 s handshake deadline");

        time.Advance(TimeSpan.FromSeconds(1));
        foreach (Socket stranger in _strangers)
        {
            Assert.That(await BytesUntilClosedAsync(stranger), Is.Zero);
        }

        await WaitUntilAsync(() => server.Socket.PendingHandshakes == 0, "the pending list to empty");
        Assert.That(server.Socket.IsClosed, Is.False, "the strangers closed the server");
    }

    [Test]
    public async Task IdleTimeout_StrangersHoldingConnections_DoNotKeepTheServerOpen()
    {
        var time = new FakeTimeProvider();
        await using Served server = Start(Loopback(time));
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(5));
        await ConnectStrangersAsync(server.Port, 3);
        await WaitUntilAsync(() => server.Socket.PendingHandshakes == 3, "the server to accept every stranger");

        time.Advance(TimeSpan.FromSeconds(5));

        await server.Socket.Completion.WaitAsync(NoHang);
        foreach (Socket stranger in _strangers)
        {
            Assert.That(await BytesUntilClosedAsync(stranger), Is.Zero, "a stranger was sent bytes or kept open");
        }
    }

    [TestCase("garbage")]
    [TestCase("version")]
    [TestCase("hugeToken")]
    [TestCase("negativeToken")]
    [TestCase("missingToken")]
    [TestCase("wrongToken")]
    [TestCase("wrongCase")]
    public async Task BadHandshake_ClosedWithoutAByte_ServerStillServes(string how)
    {
        await using Served server = Start(Loopback());
        byte[] bytes = how switch
        {
            "garbage" => Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            "version" => Handshake(64, version: 99),
            "hugeToken" => Handshake(int.MaxValue),
            "negativeToken" => Handshake(-5),
            "missingToken" => Handshake(0),
            "wrongToken" => Handshake(64, Encoding.ASCII.GetBytes(new string('0', 64))),
            _ => Handshake(64, Encoding.ASCII.GetBytes(server.Token.ToLowerInvariant())),
        };
        Socket stranger = await ConnectStrangerAsync(server.Port);

        await stranger.SendAsync(bytes);

        Assert.That(await BytesUntilClosedAsync(stranger), Is.Zero);
        await AssertServesAsync(server);
    }

    [Test]
    public async Task RealClient_Served_WhileStrangersHoldEveryPendingSlot()
    {
        await using Served server = Start(Loopback());
        await ConnectStrangersAsync(server.Port, DataBridge.Protocol.ProtocolConstants.MaxPendingHandshakes);
        await WaitUntilAsync(() => server.Socket.PendingHandshakes == DataBridge.Protocol.ProtocolConstants.MaxPendingHandshakes, "every stranger to be pending");

        await AssertServesAsync(server);
    }

    private static byte[] Handshake(int tokenLength, byte[]? token = null, int version = 1)
    {
        byte[] bytes = new byte[12 + (token?.Length ?? 64)];
        "DBRG"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), tokenLength);
        token?.CopyTo(bytes, 12);
        return tokenLength == 0 ? bytes[..12] : bytes;
    }

    // A stranger closed by the server reads end-of-stream (or a reset); one still held has nothing to read.
    private static bool IsOpen(Socket socket) => !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);

    private static Task<int> BytesUntilClosedAsync(Socket socket) => RawSocket.BytesUntilClosedAsync(socket, NoHang);

    // Bounded polling of a counter the server keeps (as WaitIdleAsync does); the condition is what we wait for.
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(NoHang);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }

    private async Task<Socket> ConnectStrangerAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _strangers.Add(socket);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private async Task ConnectStrangersAsync(int port, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await ConnectStrangerAsync(port);
        }
    }

    private Served Start(ServerOptions options) => kind == "data"
        ? new Served(DataServer.Start(_partitions, options))
        : new Served(ModelServer.Start(_modelDir, options));

    private async Task AssertServesAsync(Served server)
    {
        await using ServerTestClient good = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        if (server.Data is { } data)
        {
            var (_, _, batches) = await good.FetchAsync(1).WaitAsync(NoHang);
            Assert.That(Ids(batches), Is.EqualTo(Ids([_partitions[1]])));
        }
        else
        {
            Assert.That((await good.ManifestAsync().WaitAsync(NoHang)).Select(f => f.Path), Is.EqualTo(new[] { "weights.bin" }));
        }
    }

    /// <summary>Either server, for the tests that hold for both.</summary>
    private sealed class Served : IAsyncDisposable
    {
        private readonly IAsyncDisposable _server;

        public Served(DataServer data)
        {
            _server = data;
            Data = data;
            Socket = data.Socket;
            Port = data.Port;
            Token = data.Token;
        }

        public Served(ModelServer model)
        {
            _server = model;
            Socket = model.Socket;
            Port = model.Port;
            Token = model.Token;
        }

        public DataServer? Data { get; }

        public SocketServer Socket { get; }

        public int Port { get; }

        public string Token { get; }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
