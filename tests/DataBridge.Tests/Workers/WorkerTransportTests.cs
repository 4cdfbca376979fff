using System.Net;
using System.Net.Sockets;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 15 item 3: the control channel to local workers is a Unix-domain socket where the platform has one (mode
/// 0600 in a 0700 directory), TCP on 127.0.0.1 when asked or as the fallback, and the choice is logged.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class WorkerTransportTests
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once_as_batches())";

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Auto_OnLinux_RunsOverAUnixSocketOnlyItsOwnerCanOpen()
    {
        RequireLinuxWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.WorkerTransport = WorkerTransport.Auto;
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], Identity);

        var endPoint = (UnixDomainSocketEndPoint)((DataBridge.Workers.PythonDaemon)bridge.Pool.Host!).WorkerEndPoint;
        string path = endPoint.ToString()!;
        Assert.Multiple(() =>
        {
            Assert.That(result.RowCount, Is.EqualTo(3));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the socket file is 0600");
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(path)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "its directory is 0700");
            Assert.That(logger.Entries.Single(e => e.EventId.Id == 100).Message, Does.Contain($"workers at unix:{path}"));
            Assert.That(logger.Entries.Any(e => e.EventId.Id == 107), Is.False, "no fallback");
        });
    }

    [Test]
    public async Task UnixSocket_SendAndReceiveBuffersAreRaised_ForBulkData()
    {
        RequireLinuxWorkers();
        DataBridge.Workers.DaemonStartInfo info = PythonEnvironment.DaemonStartInfo(WorkerTransport.UnixSocket);
        await using DataBridge.Workers.PythonDaemon daemon = await DataBridge.Workers.PythonDaemon.StartAsync(info, CancellationToken.None);
        await using DataBridge.Workers.WorkerConnection connection = await DataBridge.Workers.WorkerConnection.ConnectAsync(daemon, info.Token, 64 * 1024, TimeSpan.FromSeconds(20), CancellationToken.None);

        // The kernel doubles what it is asked for and caps it at net.core.wmem_max / rmem_max.
        int Expected(string limit) => Math.Min(DataBridge.Workers.WorkerConnection.UnixSocketBufferBytes, int.Parse(File.ReadAllText($"/proc/sys/net/core/{limit}").Trim(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(connection.SocketBufferSizes.Send, Is.GreaterThanOrEqualTo(Expected("wmem_max")));
        Assert.That(connection.SocketBufferSizes.Receive, Is.GreaterThanOrEqualTo(Expected("rmem_max")));
    }

    [Test]
    public async Task Tcp_RunsOverLoopbackTcp()
    {
        RequireLinuxWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.WorkerTransport = WorkerTransport.Tcp;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], Identity);

        var endPoint = (IPEndPoint)((DataBridge.Workers.PythonDaemon)bridge.Pool.Host!).WorkerEndPoint;
        Assert.That((result.RowCount, endPoint.Address), Is.EqualTo((3L, IPAddress.Loopback)));
    }

    [Test]
    public async Task Auto_WhereNoUnixSocketCanBeMade_FallsBackToTcpAndLogsWhy_UnixSocketFailsNamingIt()
    {
        RequireLinuxWorkers();
        // sun_path holds 107 bytes: a temporary directory deeper than that cannot hold the daemon's socket.
        string deep = Directory.CreateTempSubdirectory(new string('x', 120)).FullName;
        try
        {
            var logger = new CapturingLogger();
            PythonBridgeOptions auto = PythonEnvironment.Options(maxWorkers: 1);
            auto.Environment["TMPDIR"] = deep;
            auto.Logger = logger;
            await using (var bridge = new PythonBridge(auto))
            {
                using RunResult result = await bridge.RunAsync([Batches.Sample(2)], Identity);
                Assert.That(((DataBridge.Workers.PythonDaemon)bridge.Pool.Host!).WorkerEndPoint, Is.TypeOf<IPEndPoint>());
                Assert.That(logger.Entries.Single(e => e.EventId.Id == 107).Message, Does.Contain("Unix-domain socket unavailable").And.Contain("using TCP"));
            }

            PythonBridgeOptions unix = PythonEnvironment.Options(maxWorkers: 1);
            unix.Environment["TMPDIR"] = deep;
            unix.WorkerTransport = WorkerTransport.UnixSocket;
            await using var strict = new PythonBridge(unix);
            var e = Assert.ThrowsAsync<DataBridgeException>(() => strict.WarmUpAsync())!;
            Assert.That(e.Message, Does.Contain("Unix-domain socket for the workers could not be created"));
        }
        finally
        {
            Directory.Delete(deep, recursive: true);
        }
    }

    [Test]
    public void Options_TransportOutOfRange_IsRefusedNamingTheProperty()
    {
        var options = new PythonBridgeOptions { WorkerTransport = (WorkerTransport)9 };

        var e = Assert.Throws<ArgumentException>(options.Validate)!;

        Assert.That((e.ParamName, e.Message), Is.EqualTo(("WorkerTransport", e.Message)));
        Assert.That(e.Message, Does.Contain("Auto, UnixSocket or Tcp"));
    }

    [Test]
    [NonParallelizable]
    public void Options_TransportVariable_SetsTheDefault_AnInvalidValueIsNamedAtValidation()
    {
        string? saved = Environment.GetEnvironmentVariable("DATABRIDGE_TRANSPORT");
        try
        {
            Environment.SetEnvironmentVariable("DATABRIDGE_TRANSPORT", "tcp");
            Assert.That(new PythonBridgeOptions().WorkerTransport, Is.EqualTo(WorkerTransport.Tcp));

            Environment.SetEnvironmentVariable("DATABRIDGE_TRANSPORT", "pigeon");
            var e = Assert.Throws<ArgumentException>(new PythonBridgeOptions().Validate)!;
            Assert.That(e.Message, Does.Contain("DATABRIDGE_TRANSPORT").And.Contain("'pigeon'"));
            Assert.DoesNotThrow(new PythonBridgeOptions { WorkerTransport = WorkerTransport.Tcp }.Validate, "an explicit setting wins");
        }
        finally
        {
            Environment.SetEnvironmentVariable("DATABRIDGE_TRANSPORT", saved);
        }
    }

    private static void RequireLinuxWorkers()
    {
        PythonEnvironment.RequireWorkers();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Unix-domain socket modes are checked on Linux.");
        }
    }
}
