using DataBridge.Arrow;
using System.Text.Json;
using DataBridge.Servers;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Servers;

[TestFixture]
[CancelAfter(60_000)]
public sealed class DataServerTests
{
    [Test]
    public async Task Start_TwoServers_ListenOnDistinctRandomLoopbackPorts()
    {
        List<RecordBatch> partitions = Partitions(2);
        await using DataServer a = DataServer.Start(partitions, Loopback());
        await using DataServer b = DataServer.Start(partitions, Loopback());

        Assert.That(a.Port, Is.GreaterThan(0));
        Assert.That(b.Port, Is.Not.EqualTo(a.Port));
        Assert.That(a.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(a.Token, Has.Length.EqualTo(64).And.Not.EqualTo(b.Token));
        Assert.That(a.PartitionCount, Is.EqualTo(2));
    }

    [TestCase("wrong")]
    [TestCase(null)]
    public async Task Handshake_WrongOrMissingToken_ClosedWithoutAByte(string? presented)
    {
        await using DataServer server = DataServer.Start(Partitions(1), Loopback());
        string token = presented == "wrong" ? new string('0', 64) : string.Empty;
        await using ServerTestClient client = await ServerTestClient.ConnectRawAsync(server.Port);

        var handshake = client.HandshakeAsync(token);
        Assert.ThrowsAsync(Is.InstanceOf<DataBridgeException>().Or.InstanceOf<IOException>(), () => handshake.WaitAsync(NoHang));
        Assert.That(client.Reader.Buffered, Is.Zero, "the server disclosed bytes to a client without the token");
    }

    [Test]
    public async Task Info_ReturnsPartitionCountRowsAndSchema()
    {
        List<RecordBatch> partitions = [Batches(3), Batches(5)];
        await using DataServer server = DataServer.Start(partitions, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        JsonElement info = await client.RequestAsync("{\"op\": \"info\"}").WaitAsync(NoHang);
        (Schema schema, List<RecordBatch> batches) = await client.ReadArrowAsync().WaitAsync(NoHang);

        Assert.That(info.GetProperty("partitions").GetInt32(), Is.EqualTo(2));
        Assert.That(info.GetProperty("rows").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 3, 5 }));
        Assert.That(ArrowTypeEquality.Equal(schema, partitions[0].Schema), Is.True, ArrowTypeText.Of(schema));
        Assert.That(batches, Is.Empty);

        static RecordBatch Batches(int rows) => DataBridge.Tests.Workers.Batches.Sample(rows);
    }

    [Test]
    public async Task Fetch_SamePartitionTwice_GivesIdenticalData()
    {
        List<RecordBatch> partitions = Partitions(4);
        await using DataServer server = DataServer.Start(partitions, Loopback());
        await using ServerTestClient first = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        await using ServerTestClient second = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        var (response1, schema1, batches1) = await first.FetchAsync(2).WaitAsync(NoHang);
        var (_, _, batches2) = await second.FetchAsync(2).WaitAsync(NoHang);
        var (_, _, batches3) = await first.FetchAsync(2).WaitAsync(NoHang);

        Assert.That(response1.GetProperty("partition").GetInt32(), Is.EqualTo(2));
        Assert.That(response1.GetProperty("rows").GetInt64(), Is.EqualTo(100));
        Assert.That(ArrowTypeEquality.Equal(schema1, partitions[2].Schema), Is.True, ArrowTypeText.Of(schema1));
        Assert.That(Ids(batches1), Is.EqualTo(Ids([partitions[2]])));
        Assert.That(Names(batches1), Is.EqualTo(Names([partitions[2]])));
        Assert.That(Ids(batches2), Is.EqualTo(Ids(batches1)));
        Assert.That(Names(batches3), Is.EqualTo(Names(batches1)));
    }

    [Test]
    public async Task Fetch_SixteenConcurrentClients_EachGetsItsPartition()
    {
        List<RecordBatch> partitions = Partitions(16, rows: 5000);
        await using DataServer server = DataServer.Start(partitions, Loopback());

        long[][] fetched = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token);
            var (_, _, batches) = await client.FetchAsync(i);
            return Ids(batches);
        })).WaitAsync(NoHang);

        for (int i = 0; i < 16; i++)
        {
            Assert.That(fetched[i], Is.EqualTo(Ids([partitions[i]])), $"partition {i}");
        }
    }

    [Test]
    public async Task SilentClient_IsDroppedAfterItsDeadline_WhileOthersAreServed()
    {
        // The deadlines run on a fake clock, so a loaded machine cannot make the well-behaved client miss them.
        var time = new FakeTimeProvider();
        ServerOptions options = Loopback();
        options.TimeProvider = time;
        options.HandshakeTimeout = TimeSpan.FromSeconds(1);
        options.ClientTimeout = TimeSpan.FromSeconds(1);
        List<RecordBatch> partitions = Partitions(2);
        await using DataServer server = DataServer.Start(partitions, options);

        // One connects and sends nothing; another authenticates and then sends no request.
        await using ServerTestClient silent = await ServerTestClient.ConnectRawAsync(server.Port);
        await using ServerTestClient idle = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        Task<int> silentClosed = silent.BytesUntilClosedAsync(NoHang);
        Task<int> idleClosed = idle.BytesUntilClosedAsync(NoHang);

        // Meanwhile a well-behaved client is served.
        await using (ServerTestClient good = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            var (_, _, batches) = await good.FetchAsync(1).WaitAsync(NoHang);
            Assert.That(Ids(batches), Is.EqualTo(Ids([partitions[1]])));
        }

        Assert.That(silentClosed.IsCompleted || idleClosed.IsCompleted, Is.False, "no deadline has passed on the server's clock yet");

        // Past both deadlines. The server arms a deadline just after the handshake, maybe after this test saw
        // the handshake's answer, so the clock is moved on until both are dropped (bounded).
        for (int i = 0; i < 200 && !(silentClosed.IsCompleted && idleClosed.IsCompleted); i++)
        {
            time.Advance(TimeSpan.FromSeconds(1.5));
            await Task.WhenAny(Task.WhenAll(silentClosed, idleClosed), Task.Delay(50));
        }

        Assert.That(await silentClosed, Is.Zero, "the silent client was not dropped, or was sent bytes");
        Assert.That(await idleClosed, Is.Zero, "the idle client was not dropped");
    }

    [Test]
    public async Task Upload_FirstAccepted_DuplicateDroppedAndCounted()
    {
        List<RecordBatch> partitions = Partitions(3);
        var logger = new DataBridge.Tests.Workers.CapturingLogger();
        ServerOptions options = Loopback();
        options.Logger = logger;
        await using DataServer server = DataServer.Start(partitions, options);
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        RecordBatch result = DataBridge.Tests.Workers.Batches.Sample(7, start: 42);
        RecordBatch later = DataBridge.Tests.Workers.Batches.Sample(9);

        JsonElement accepted = await client.UploadAsync(1, result.Schema, [result]).WaitAsync(NoHang);
        JsonElement duplicate = await client.UploadAsync(1, later.Schema, [later]).WaitAsync(NoHang);

        Assert.That(accepted.GetProperty("accepted").GetBoolean(), Is.True);
        Assert.That(accepted.GetProperty("partition").GetInt32(), Is.EqualTo(1));
        Assert.That(duplicate.GetProperty("accepted").GetBoolean(), Is.False);
        Assert.That(duplicate.GetProperty("duplicate").GetBoolean(), Is.True);
        Assert.That(server.DuplicateUploads, Is.EqualTo(1));
        Assert.That(server.MissingResults, Is.EqualTo(new[] { 0, 2 }));
        PartitionResult stored = server.GetResult(1)!;
        Assert.That(stored.Rows, Is.EqualTo(7));
        Assert.That(Ids(stored.Batches), Is.EqualTo(Ids([result])));
        Assert.That(logger.Entries.Any(e => e.EventId.Id == 512), Is.True, "the duplicate was not logged");
    }

    [Test]
    public async Task Upload_TrailerDoesNotMatch_ErrorAndNothingStored()
    {
        await using DataServer server = DataServer.Start(Partitions(2), Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        RecordBatch result = DataBridge.Tests.Workers.Batches.Sample(7);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => client.UploadAsync(0, result.Schema, [result], new DataBridge.Protocol.Trailer(8, 1)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("server reported an error").And.Contain("trailer"));
        Assert.That(server.GetResult(0), Is.Null);
        Assert.That(await client.BytesUntilClosedAsync(NoHang), Is.Zero);
    }

    [Test]
    public async Task Upload_Truncated_NothingStoredAndServerKeepsServing()
    {
        List<RecordBatch> partitions = Partitions(2);
        await using DataServer server = DataServer.Start(partitions, Loopback());
        await using (ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            await client.SendRequestAsync("{\"op\": \"upload\", \"partition\": 0}");
            await client.Writer.WriteDataAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0, 1, 2, 3 }, default);
            await client.Writer.FlushAsync(default);
        }

        await WaitIdleAsync(server.Socket);
        Assert.That(server.GetResult(0), Is.Null);
        await using ServerTestClient next = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        var (_, _, batches) = await next.FetchAsync(0).WaitAsync(NoHang);
        Assert.That(Ids(batches), Is.EqualTo(Ids([partitions[0]])));
    }

    [Test]
    public async Task IdleTimeout_ClosesAfterFiveMinutesWithoutConnection_NotBefore()
    {
        var time = new FakeTimeProvider();
        await using DataServer server = DataServer.Start(Partitions(1), Loopback(time));
        int port = server.Port;

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.That(server.IsClosed, Is.False);
        Assert.That(server.Completion.IsCompleted, Is.False);

        time.Advance(TimeSpan.FromSeconds(1));
        await server.Completion.WaitAsync(NoHang);
        Assert.That(server.IsClosed, Is.True);
        Assert.That(PortIsFree(port), Is.True, "the port was not freed");
    }

    [Test]
    public async Task IdleTimeout_ConnectionResetsTheTimer()
    {
        var time = new FakeTimeProvider();
        await using DataServer server = DataServer.Start(Partitions(1), Loopback(time));

        time.Advance(TimeSpan.FromMinutes(4));
        await using (ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            await client.FetchAsync(0).WaitAsync(NoHang);
        }

        await WaitIdleAsync(server.Socket);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.That(server.IsClosed, Is.False, "closed although a client came 4 minutes ago");

        time.Advance(TimeSpan.FromMinutes(1));
        await server.Completion.WaitAsync(NoHang);
    }

    [Test]
    public async Task IdleTimeout_RejectedConnectionDoesNotResetTheTimer()
    {
        var time = new FakeTimeProvider();
        await using DataServer server = DataServer.Start(Partitions(1), Loopback(time));

        time.Advance(TimeSpan.FromMinutes(4));
        await using (ServerTestClient stranger = await ServerTestClient.ConnectRawAsync(server.Port))
        {
            Assert.CatchAsync(() => stranger.HandshakeAsync(new string('1', 64)).WaitAsync(NoHang));
        }

        await WaitIdleAsync(server.Socket);
        time.Advance(TimeSpan.FromMinutes(1));
        await server.Completion.WaitAsync(NoHang);
    }

    [Test]
    public async Task IdleTimeout_OpenConnectionKeepsServerOpen()
    {
        var time = new FakeTimeProvider();
        await using DataServer server = DataServer.Start(Partitions(1), Loopback(time));
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.That(server.IsClosed, Is.False);
    }

    [Test]
    public async Task Dispose_ClosesServerDropsClientsAndFreesPort()
    {
        DataServer server = DataServer.Start(Partitions(1), Loopback());
        int port = server.Port;
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        await server.DisposeAsync().AsTask().WaitAsync(NoHang);

        Assert.That(server.Completion.IsCompleted, Is.True);
        Assert.That(await client.BytesUntilClosedAsync(NoHang), Is.Zero);
        Assert.That(PortIsFree(port), Is.True);
    }

    [Test]
    public async Task ServeData_DataFrame_ServesItsPartitionsInOrder()
    {
        List<RecordBatch> partitions = Partitions(3);
        await using var bridge = new PythonBridge();
        await using DataServer server = bridge.ServeData(ArrowFrame.FromArrow(partitions));
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        var (_, _, batches) = await client.FetchAsync(2).WaitAsync(NoHang);

        Assert.That(server.PartitionCount, Is.EqualTo(3));
        Assert.That(Ids(batches), Is.EqualTo(Ids([partitions[2]])));
    }

    [Test]
    public async Task Bridge_Dispose_ClosesItsServers()
    {
        var bridge = new PythonBridge();
        DataServer data = bridge.ServeData(Partitions(1));
        string dir = Directory.CreateTempSubdirectory("databridge-model-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "w.bin"), "weights");
            ModelServer model = bridge.ServeModel(dir);

            await bridge.DisposeAsync().AsTask().WaitAsync(NoHang);

            Assert.That(data.Completion.IsCompleted && model.Completion.IsCompleted, Is.True);
            Assert.That(PortIsFree(data.Port) && PortIsFree(model.Port), Is.True);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
