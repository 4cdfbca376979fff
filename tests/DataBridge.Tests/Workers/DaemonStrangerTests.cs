using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DataBridge.Tests.Support;
using DataBridge.Workers;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Strangers at the daemon's port (docs/security.md), against a real daemon: connections without the token
/// fork no process, are closed at the 10 s handshake deadline without a byte, and the bridge's runs go on
/// meanwhile — over both worker transports.
/// </summary>
[TestFixture(WorkerTransport.UnixSocket)]
[TestFixture(WorkerTransport.Tcp)]
[CancelAfter(120_000)]
public sealed class DaemonStrangerTests(WorkerTransport transport)
{
    private const string PidCode = "import os\ndata_manager.set_output({'pid': [os.getpid()]})";

    [Test]
    public async Task Daemon_UnauthenticatedConnections_ForkNoProcess_AndAreClosedAtTheHandshakeDeadline()
    {
        RequireLinux();
        await using var bridge = new PythonBridge(Options());
        using (RunResult first = await bridge.RunAsync([Batches.Sample(1)], PidCode))
        {
            Assert.That(Batches.Int64s(first, "pid"), Has.Length.EqualTo(1));
        }

        var daemon = (PythonDaemon)bridge.Pool.Host!;
        var strangers = new List<Socket>();
        try
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 30; i++)
            {
                strangers.Add(await ConnectAsync(daemon.WorkerEndPoint, i % 2 == 0 ? [] : WrongHandshake()));
            }

            // The daemon accepts in order: once this last one (a wrong token) is closed, it has handled all 30.
            using (Socket last = await ConnectAsync(daemon.WorkerEndPoint, WrongHandshake()))
            {
                Assert.That(await BytesUntilClosedAsync(last, TimeSpan.FromSeconds(20)), Is.Zero);
            }

            int[] children = Children(daemon.ProcessId);
            Assert.That(children, Has.Length.LessThanOrEqualTo(1), $"the daemon has {children.Length} children after 30 strangers (MaxWorkers = 2, one idle worker)");

            // The bound is 10 s (protocol), so 25 s leaves 15 s for a loaded machine.
            foreach (Socket stranger in strangers)
            {
                Assert.That(await BytesUntilClosedAsync(stranger, TimeSpan.FromSeconds(25)), Is.Zero, "a stranger was sent bytes or kept open");
            }

            TestContext.Out.WriteLine($"30 strangers: {children.Length} daemon children; all closed after {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(9)), "silent strangers were closed before the handshake deadline");
        }
        finally
        {
            strangers.ForEach(s => s.Dispose());
        }
    }

    [Test]
    public async Task Daemon_RunsGoOn_WhileStrangersHoldEveryPendingSlot()
    {
        RequireLinux();
        await using var bridge = new PythonBridge(Options());
        using (await bridge.RunAsync([Batches.Sample(1)], PidCode))
        {
        }

        var daemon = (PythonDaemon)bridge.Pool.Host!;
        var strangers = new List<Socket>();
        try
        {
            for (int i = 0; i < DataBridge.Protocol.ProtocolConstants.MaxPendingHandshakes + 6; i++)
            {
                strangers.Add(await ConnectAsync(daemon.WorkerEndPoint, []));
            }

            // Two concurrent runs: the second needs a new connection (a new worker) past the strangers.
            RunResult[] results = await Task.WhenAll(
                bridge.RunAsync([Batches.Sample(10)], "import time\ntime.sleep(0.2)\n" + PidCode),
                bridge.RunAsync([Batches.Sample(10)], "import time\ntime.sleep(0.2)\n" + PidCode));
            try
            {
                Assert.That(results.Select(r => r.WorkerProcessId).Distinct().Count(), Is.EqualTo(2));
                Assert.That(Children(daemon.ProcessId), Has.Length.EqualTo(2), "only the two workers are the daemon's children");
            }
            finally
            {
                foreach (RunResult result in results)
                {
                    result.Dispose();
                }
            }
        }
        finally
        {
            strangers.ForEach(s => s.Dispose());
        }
    }

    [Test]
    public async Task Daemon_StrangersAtTheStartupCallbackPort_NeitherFailNorImpersonateTheDaemon()
    {
        RequireLinux();
        var strangers = new List<Socket>();
        // Before the interpreter starts, so all three are queued ahead of the daemon's own callback: one
        // silent, one sending bytes that are no frame, one sending a HELLO with another token and port.
        DaemonStartInfo info = PythonEnvironment.DaemonStartInfo(transport) with
        {
            CallbackListening = port =>
            {
                strangers.Add(Connect(port, []));
                strangers.Add(Connect(port, [1, 2, 3, 4, 5, 6, 7, 8, 9]));
                strangers.Add(Connect(port, Hello("{\"token\": \"" + new string('0', 64) + "\", \"port\": 9, \"pid\": 1, \"python\": \"3.11.0\", \"protocol\": 1, \"numpy\": false, \"pandas\": false}")));
            },
        };

        try
        {
            await using PythonDaemon daemon = await PythonDaemon.StartAsync(info, CancellationToken.None);

            Assert.That(strangers, Has.Count.EqualTo(3));
            Assert.That(daemon.WorkerEndPoint, Is.Not.EqualTo(new IPEndPoint(IPAddress.Loopback, 9)), "a stranger's HELLO was taken for the daemon's");
            Assert.That(daemon.WorkerEndPoint, transport == WorkerTransport.UnixSocket ? Is.TypeOf<UnixDomainSocketEndPoint>() : Is.TypeOf<IPEndPoint>());
            Assert.That(daemon.Hello!.Token, Is.EqualTo(info.Token.Hex).IgnoreCase);
            foreach (Socket stranger in strangers)
            {
                Assert.That(await BytesUntilClosedAsync(stranger, TimeSpan.FromSeconds(20)), Is.Zero, "a stranger was sent bytes or kept open");
            }
        }
        finally
        {
            strangers.ForEach(s => s.Dispose());
        }
    }

    private static Socket Connect(int port, byte[] send)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, port);
        if (send.Length > 0)
        {
            socket.Send(send);
        }

        return socket;
    }

    private static byte[] Hello(string json)
    {
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(json);
        byte[] frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, DataBridge.Protocol.FrameCode.Hello);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    private static void RequireLinux()
    {
        PythonEnvironment.RequireWorkers();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Counts the daemon's children through /proc (Linux).");
        }
    }

    private static byte[] WrongHandshake()
    {
        byte[] bytes = new byte[12 + 64];
        "DBRG"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 64);
        bytes.AsSpan(12).Fill((byte)'0');
        return bytes;
    }

    private PythonBridgeOptions Options()
    {
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 2);
        options.WorkerTransport = transport;
        return options;
    }

    private static async Task<Socket> ConnectAsync(EndPoint endPoint, byte[] send)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        if (send.Length > 0)
        {
            await socket.SendAsync(send);
        }

        return socket;
    }

    private static Task<int> BytesUntilClosedAsync(Socket socket, TimeSpan within) => RawSocket.BytesUntilClosedAsync(socket, within);

    // The live (not zombie) workers of daemon pid: its children that lead a process group of their own.
    private static int[] Children(int pid)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int candidate))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Workers lead a process group of their own; the daemon's janitor, a child in the daemon's group, is no worker.
                if (fields[0] != "Z" && int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == pid
                    && int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) == candidate)
                {
                    found.Add(candidate);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return [.. found];
    }
}
