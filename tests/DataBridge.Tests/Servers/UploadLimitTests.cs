using System.Text.Json;
using DataBridge.Ipc;
using DataBridge.Servers;
using DataBridge.Tests.Workers;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Servers;

/// <summary>
/// <see cref="ServerOptions.MaxUploadBytes"/> and <see cref="ServerOptions.MaxTotalUploadBytes"/>: an upload
/// that passes a limit is refused with an ERROR naming it, nothing of it is kept, its connection is dropped,
/// and the server goes on serving (the same partition included).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class UploadLimitTests
{
    [Test]
    public void Options_Defaults_OneGiBPerUpload_NoTotalLimit()
    {
        var options = new ServerOptions();

        Assert.That(options.MaxUploadBytes, Is.EqualTo(1L << 30));
        Assert.That(options.MaxTotalUploadBytes, Is.EqualTo(long.MaxValue));
    }

    [TestCase(nameof(ServerOptions.MaxUploadBytes), 0L)]
    [TestCase(nameof(ServerOptions.MaxUploadBytes), -1L)]
    [TestCase(nameof(ServerOptions.MaxTotalUploadBytes), 0L)]
    [TestCase(nameof(ServerOptions.MaxTotalUploadBytes), long.MinValue)]
    public void Options_InvalidUploadLimit_ThrowsArgumentExceptionNamingIt(string setting, long value)
    {
        ServerOptions options = Loopback();
        if (setting == nameof(ServerOptions.MaxUploadBytes))
        {
            options.MaxUploadBytes = value;
        }
        else
        {
            options.MaxTotalUploadBytes = value;
        }

        List<RecordBatch> partitions = Partitions(1);
        try
        {
            var ex = Assert.Throws<ArgumentException>(() => DataServer.Start(partitions, options));

            Assert.That(ex!.ParamName, Is.EqualTo(setting));
            Assert.That(ex.Message, Does.Contain(setting).And.Contain(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            DisposeAll(partitions);
        }
    }

    [Test]
    public async Task Upload_OverMaxUploadBytes_RefusedNamingLimitAndPartition_NothingStored_SamePartitionAcceptedAfter()
    {
        List<RecordBatch> partitions = Partitions(3);
        var logger = new CapturingLogger();
        ServerOptions options = Loopback();
        options.MaxUploadBytes = 16 * 1024;
        options.Logger = logger;
        await using DataServer server = DataServer.Start(partitions, options);
        using RecordBatch big = Batches.Sample(20_000);
        using RecordBatch small = Batches.Sample(7, start: 42);
        Assert.That(StreamBytes(big), Is.GreaterThan(20 * options.MaxUploadBytes), "the test upload is not far over the limit");

        await using (ServerTestClient hostile = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            string message = await RefusedUploadAsync(hostile, 1, big);

            Assert.That(message, Does.StartWith("The server reported an error: Upload refused"));
            Assert.That(message, Does.Contain("the upload of partition 1").And.Contain("limit of 16384 bytes per upload").And.Contain("MaxUploadBytes"));
            Assert.That(await hostile.BytesUntilClosedAsync(NoHang), Is.Zero, "the connection was not dropped after the ERROR");
        }

        Assert.That(server.GetResult(1), Is.Null);
        Assert.That(server.MissingResults, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(server.UploadBytesHeld, Is.Zero, "bytes of the refused upload are still held");
        Assert.That(logger.Entries.Any(e => e.EventId.Id == 505 && e.Message.Contains("MaxUploadBytes", StringComparison.Ordinal)), Is.True, "the refusal was not logged");

        // The server goes on serving: a fetch, and a good upload of the very partition refused above.
        await using ServerTestClient good = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
        var (_, _, fetched) = await good.FetchAsync(2).WaitAsync(NoHang);
        JsonElement response = await good.UploadAsync(1, small.Schema, [small]).WaitAsync(NoHang);

        Assert.That(Ids(fetched), Is.EqualTo(Ids([partitions[2]])));
        Assert.That(response.GetProperty("accepted").GetBoolean(), Is.True);
        Assert.That(Ids(server.GetResult(1)!.Batches), Is.EqualTo(Ids([small])));
        Assert.That(server.UploadBytesHeld, Is.EqualTo(StreamBytes(small)));
    }

    [TestCase(0, Description = "exactly at the limit")]
    [TestCase(1)]
    [TestCase(100_000)]
    public async Task Upload_AtOrBelowMaxUploadBytes_IsStored(int slack)
    {
        using RecordBatch result = Batches.Sample(500);
        long size = StreamBytes(result);
        ServerOptions options = Loopback();
        options.MaxUploadBytes = size + slack;
        await using DataServer server = DataServer.Start(Partitions(1), options);
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        JsonElement response = await client.UploadAsync(0, result.Schema, [result]).WaitAsync(NoHang);

        Assert.That(response.GetProperty("accepted").GetBoolean(), Is.True);
        Assert.That(server.GetResult(0)!.Rows, Is.EqualTo(500));
        Assert.That(server.UploadBytesHeld, Is.EqualTo(size));
    }

    [Test]
    public async Task Upload_OneByteOverMaxUploadBytes_IsRefused()
    {
        using RecordBatch result = Batches.Sample(500);
        long limit = StreamBytes(result) - 1;
        ServerOptions options = Loopback();
        options.MaxUploadBytes = limit;
        await using DataServer server = DataServer.Start(Partitions(1), options);
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        string message = await RefusedUploadAsync(client, 0, result);

        Assert.That(message, Does.Contain($"limit of {limit} bytes per upload"));
        Assert.That(server.GetResult(0), Is.Null);
        Assert.That(server.UploadBytesHeld, Is.Zero);
    }

    [Test]
    public async Task Upload_PastMaxTotalUploadBytes_RefusedNamingTheLimit_StoredResultsKept_DetachedOnesNoLongerCount()
    {
        using RecordBatch result = Batches.Sample(500);
        long size = StreamBytes(result);
        long total = (2 * size) + (size / 2);
        ServerOptions options = Loopback();
        options.MaxTotalUploadBytes = total;
        await using DataServer server = DataServer.Start(Partitions(3), options);

        await using (ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            Assert.That((await client.UploadAsync(0, result.Schema, [result]).WaitAsync(NoHang)).GetProperty("accepted").GetBoolean(), Is.True);
            Assert.That((await client.UploadAsync(1, result.Schema, [result]).WaitAsync(NoHang)).GetProperty("accepted").GetBoolean(), Is.True);
            string message = await RefusedUploadAsync(client, 2, result);

            Assert.That(message, Does.Contain("the upload of partition 2").And.Contain($"limit of {total} bytes in all").And.Contain("MaxTotalUploadBytes"));
        }

        Assert.That(server.MissingResults, Is.EqualTo(new[] { 2 }));
        Assert.That(server.UploadBytesHeld, Is.EqualTo(2 * size), "only the two stored results should be held");

        // Handed over (as a distributed run does): their bytes no longer count, and a late upload is merely a duplicate.
        PartitionResult?[] detached = server.DetachResults();
        try
        {
            Assert.That(server.UploadBytesHeld, Is.Zero);
            await using ServerTestClient late = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
            JsonElement response = await late.UploadAsync(2, result.Schema, [result]).WaitAsync(NoHang);

            Assert.That(response.GetProperty("duplicate").GetBoolean(), Is.True);
            Assert.That(server.UploadBytesHeld, Is.Zero);
        }
        finally
        {
            foreach (PartitionResult? stored in detached)
            {
                DisposeAll(stored?.Batches ?? []);
            }
        }
    }

    /// <summary>The bytes of <paramref name="batch"/>'s Arrow stream (schema, batch, end marker): what an upload of it is counted as.</summary>
    private static long StreamBytes(RecordBatch batch)
    {
        using var buffer = new MemoryStream();
        using (var writer = new ArrowIpcWriter(buffer, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return buffer.Length;
    }

    /// <summary>Uploads <paramref name="batch"/> expecting a refusal; returns the ERROR's message.</summary>
    private static async Task<string> RefusedUploadAsync(ServerTestClient client, int partition, RecordBatch batch)
    {
        try
        {
            JsonElement response = await client.UploadAsync(partition, batch.Schema, [batch]).WaitAsync(NoHang);
            Assert.Fail($"the upload was answered {response} instead of refused");
        }
        catch (DataBridgeException ex)
        {
            return ex.Message;
        }
        catch (IOException)
        {
            // The server stops reading at the limit and closes: our send may break first (connection reset),
            // but the ERROR it sent before closing is already in our receive buffer.
        }

        var error = Assert.ThrowsAsync<DataBridgeException>(() => client.ReadResponseAsync().WaitAsync(NoHang));
        return error!.Message;
    }
}
