using DataBridge.Arrow;
using DataBridge.Servers;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Servers;

/// <summary>Partitions and helpers shared by the server tests.</summary>
internal static class ServerTestData
{
    public static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    /// <summary><paramref name="count"/> partitions of Batches.Sample; partition i holds ids [1000 i, 1000 i + rows).</summary>
    public static List<RecordBatch> Partitions(int count, int rows = 100) =>
        [.. Enumerable.Range(0, count).Select(i => Batches.Sample(rows, start: 1000 * i))];

    public static long[] Ids(IEnumerable<RecordBatch> batches) =>
        [.. batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((Int64Array)b.Column("id")).GetValue(i) ?? throw new InvalidOperationException($"null id at {i}")))];

    public static string?[] Names(IEnumerable<RecordBatch> batches) =>
        [.. batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column("name")).GetString(i)))];

    public static ServerOptions Loopback(TimeProvider? time = null) => new()
    {
        TimeProvider = time ?? TimeProvider.System,
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        ClientTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Waits (really) until the server has no open connection, so a fake clock can be advanced safely.</summary>
    public static async Task WaitIdleAsync(DataBridge.Servers.SocketServer server)
    {
        using var cts = new CancellationTokenSource(NoHang);
        while (server.ActiveConnections > 0)
        {
            await Task.Delay(10, cts.Token);
        }
    }

    /// <summary>Whether nothing listens on <paramref name="port"/> any more (the port was freed).</summary>
    public static bool PortIsFree(int port)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static void DisposeAll(IEnumerable<RecordBatch> batches)
    {
        foreach (RecordBatch batch in batches)
        {
            batch.Dispose();
        }
    }
}
