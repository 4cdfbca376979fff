using System.Diagnostics;
using System.Globalization;
using System.Net;
using DataBridge.Arrow;
using DataBridge.Internal;
using DataBridge.Servers;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Servers.MultiHost;

/// <summary>
/// Distributed runs across hosts of our own (<see cref="TestNetwork"/>: network namespaces on this machine): the
/// .NET data server binds the driver host's address, <c>dask-scheduler</c> and <c>dask-worker</c> run inside their
/// hosts, and every byte between a task and the .NET process crosses a veth link and a bridge. Needs root, iproute2
/// and Debian's python3-distributed; skipped with the reason otherwise. Nothing here measures time: timeouts are
/// upper bounds (a hang fails), and the faults are sequenced by events.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("MultiHost")]
public sealed class MultiHostDistributedTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromMinutes(3);

    // What every task does, and what the local run does to compare with: the same Python function.
    private const string Transform = """
        def transform(df):
            import pandas as pd
            return pd.DataFrame({"id": df["id"], "score": df["value"] * 2 + df["key"]})
        """;

    private const string LocalRun = Transform + """

        data_manager.set_output([transform(df) for df in data_manager.fetch_once()])
        """;

    private static CancellationToken Cancel => TestContext.CurrentContext.CancellationToken;

    [OneTimeSetUp]
    public void Requirements()
    {
        if (TestNetwork.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        PythonEnvironment.RequirePandas();
        if (!EmbeddedPackage.Contains("data_manager_client/__init__.py"))
        {
            Assert.Ignore("The embedded Python package lacks data_manager_client: the Python client side is not in this build.");
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task RunDistributed_16PartitionsOnThreeWorkerHosts_EqualsTheLocalTransform_ServerSawOnlyTheWorkerHosts()
    {
        RequireDask();
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 3, Cancel);
        await using DaskCluster cluster = await DaskCluster.StartAsync(network, null, Cancel);
        var logger = new CapturingLogger();
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(16, p => 2000 + (p * 100), batches: 2);
        try
        {
            await using var bridge = new PythonBridge(BridgeOptions(logger));
            await using DataServer server = bridge.ServeData(schema, partitions, DriverServer(network, logger));
            string driver = Driver(cluster, """
                def main(client):
                    done = client.gather(client.map(process, data_manager.data_servers(), pure=False))
                    data_manager.set_output({"partition": [p for p, _ in done], "host": [h for _, h in done]})
                """);

            using DistributedRunResult result = await RunAsync(bridge, server, driver, cluster);
            using RunResult local = await bridge.RunAsync(partitions.SelectMany(p => p), LocalRun, null, Cancel);

            AssertSameRows(result.Batches, local.Batches);
            Assert.That(result.DuplicateUploads, Is.Zero);
            IPAddress[] workerHosts = [.. network.Workers.Select(w => w.Address)];
            IPAddress[] ranOn = [.. MultiHostData.Strings(result.Driver.Batches, "host").Distinct().Select(h => IPAddress.Parse(h!))];
            IPAddress[] fetchedBy = Remotes(logger, 510);
            IPAddress[] uploadedBy = Remotes(logger, 511);
            TestContext.Out.WriteLine($"tasks ran on {string.Join(", ", ranOn.Select(a => a.ToString()).Order())}; the server sent partitions to {string.Join(", ", fetchedBy.Select(a => a.ToString()).Order())}");
            Assert.That(ranOn, Is.SubsetOf(workerHosts));
            Assert.That(fetchedBy, Is.EquivalentTo(ranOn), "the server's clients are not the hosts the tasks ran on");
            Assert.That(uploadedBy, Is.EquivalentTo(ranOn));
            Assert.That(logger.Entries.Count(e => e.EventId.Id == 510), Is.EqualTo(16));
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task RunDistributed_WorkerHostKilledMidRun_DaskRetriesElsewhere_OutputExact_DuplicatesDropped()
    {
        RequireDask();
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 3, Cancel);
        await using DaskCluster cluster = await DaskCluster.StartAsync(network, null, Cancel);
        var logger = new CapturingLogger();
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(16, _ => 5000);
        try
        {
            await using var bridge = new PythonBridge(BridgeOptions(logger));
            await using DataServer server = bridge.ServeData(schema, partitions, DriverServer(network, logger));

            // Once a task has finished, every process of the host holding its result is SIGKILLed: its running task
            // and the results it holds are lost, so Dask runs them again on the other hosts; they fetch their
            // partitions again and upload again, and the server keeps the first upload of each partition.
            string driver = Driver(cluster, $$"""
                def main(client):
                    futures = client.map(process, data_manager.data_servers(), pause=0.3, pure=False)
                    finished = wait(futures, return_when="FIRST_COMPLETED").done
                    holders = client.who_has(list(finished))
                    victim = next(host_of(a) for f in finished for a in holders[f.key])
                    pids = subprocess.run([{{Py(TestNetwork.IpCommand!)}}, "netns", "pids", {{HostNamespaces(network)}}[victim]],
                                          capture_output=True, text=True, check=True).stdout.split()
                    for pid in pids:
                        os.kill(int(pid), signal.SIGKILL)
                    print(f"killed the processes {pids} of {victim}")
                    done = client.gather(futures)
                    data_manager.set_output({"host": [h for _, h in done], "victim": [victim] * len(done)})
                """);

            using DistributedRunResult result = await RunAsync(bridge, server, driver, cluster);
            using RunResult local = await bridge.RunAsync(partitions.SelectMany(p => p), LocalRun, null, Cancel);

            AssertSameRows(result.Batches, local.Batches);
            TestNetwork.Host victim = network.HostOf(IPAddress.Parse(MultiHostData.Strings(result.Driver.Batches, "victim")[0]!))!;
            long fetches = logger.Entries.Count(e => e.EventId.Id == 510);
            TestContext.Out.WriteLine($"killed {victim.Role} ({victim.Address}); partition fetches: {fetches}, duplicate uploads dropped: {result.DuplicateUploads}");
            Assert.That(await network.ProcessesAsync(victim, Cancel), Is.Empty, "the killed host still runs processes");
            Assert.That(MultiHostData.Strings(result.Driver.Batches, "host"), Has.None.EqualTo(victim.Address.ToString()), "a result was gathered from the killed host");
            Assert.That(fetches, Is.GreaterThan(16), "no partition was fetched again");
            Assert.That(result.DuplicateUploads, Is.GreaterThanOrEqualTo(1), "the lost results were not recomputed and uploaded again");
            Assert.That(logger.Entries.Count(e => e.EventId.Id == 512), Is.EqualTo(result.DuplicateUploads));
            Assert.That(Remotes(logger, 511), Is.SubsetOf(network.Workers.Select(w => w.Address)));
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task RunDistributed_WorkerHostLinkDownMidTransfer_ClientTimeoutFreesTheConnection_RetriedTaskSucceeds()
    {
        RequireDask();
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 3, Cancel);

        // A host that vanishes sends nothing more: the scheduler forgets it when its heartbeats stop (worker-ttl,
        // 5 minutes by default, shortened here) and only then runs its task elsewhere.
        var config = new Dictionary<string, string> { ["DASK_DISTRIBUTED__SCHEDULER__WORKER_TTL"] = "10s" };
        await using DaskCluster cluster = await DaskCluster.StartAsync(network, config, Cancel);
        var logger = new CapturingLogger();

        // Partition 0 is larger than the socket buffers (24 MB in 8 batches), so its transfer is still under way
        // when the link goes down: the server's send stalls, and only ClientTimeout frees the connection.
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(6, p => p == 0 ? 1_000_000 : 5000, batches: 8);
        try
        {
            await using var bridge = new PythonBridge(BridgeOptions(logger));
            ServerOptions options = DriverServer(network, logger);
            options.ClientTimeout = TimeSpan.FromSeconds(5);
            await using DataServer server = bridge.ServeData(schema, partitions, options);

            // The first attempt at partition 0 reads one batch, says on which host it runs, and waits until that host's
            // link is down (the driver takes it down); then it reads on and hangs until its own timeout, unheard.
            string driver = Driver(cluster, $$"""
                def stall_once(endpoint, name):
                    import pandas as pd
                    import data_manager_client
                    first_attempt = not Event(name).is_set()
                    frames = []
                    for df in data_manager_client.fetch(endpoint, timeout=60):
                        frames.append(df)
                        if first_attempt and len(frames) == 1:
                            Variable(name).set(host_of(get_worker().address))
                            Event(name).set()
                            deadline = time.monotonic() + 120
                            while open("/sys/class/net/eth0/operstate").read().strip() != "down":
                                if time.monotonic() > deadline:
                                    raise TimeoutError("the link of this host was never taken down")
                                time.sleep(0.05)
                    data_manager_client.send_result(endpoint, transform(pd.concat(frames, ignore_index=True)))
                    return endpoint.partition, host_of(get_worker().address)

                def main(client):
                    endpoints = data_manager.data_servers()
                    name = "stalled-" + os.urandom(8).hex()
                    # retries: on a busy machine a healthy client may stall past the short ClientTimeout too.
                    first = client.submit(stall_once, endpoints[0], name, pure=False, retries=2)
                    victim = Variable(name, client=client).get(timeout=120)
                    subprocess.run([{{Py(TestNetwork.IpCommand!)}}, "-n", {{HostNamespaces(network)}}[victim], "link", "set", "eth0", "down"], check=True)
                    print(f"took the link of {victim} down while it fetched partition 0")
                    rest = client.map(process, endpoints[1:], pure=False, retries=2)
                    done = client.gather([first] + rest)
                    data_manager.set_output({"host": [h for _, h in done], "victim": [victim] * len(done)})
                """);

            using DistributedRunResult result = await RunAsync(bridge, server, driver, cluster);
            using RunResult local = await bridge.RunAsync(partitions.SelectMany(p => p), LocalRun, null, Cancel);

            AssertSameRows(result.Batches, local.Batches);
            IPAddress victim = IPAddress.Parse(MultiHostData.Strings(result.Driver.Batches, "victim")[0]!);
            CapturingLogger.Entry dropped = await logger.WhenLogged(e => e.EventId.Id == 504 && RemoteOf(e)?.Equals(victim) == true).WaitAsync(NoHang, Cancel);
            TestContext.Out.WriteLine($"link of {network.HostOf(victim)!.Role} down; server: {dropped.Message}");
            CapturingLogger.Entry accepted = logger.Entries.Single(e => e.EventId.Id == 511 && Equals(e.State["Partition"], 0));
            Assert.That(RemoteOf(accepted), Is.Not.EqualTo(victim), "partition 0's result came from the host that was cut off");
            Assert.That(logger.Entries.Where(e => e.EventId.Id == 510 && Equals(e.State["Partition"], 0)).Select(RemoteOf), Has.None.EqualTo(victim), "partition 0 reached the cut-off host whole: the link went down after the transfer");
            Assert.That(network.Workers.Select(w => w.Address), Does.Contain(RemoteOf(accepted)));
            Assert.That(result.DuplicateUploads, Is.Zero);
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task RunDistributed_DriverHostUnreachableForTheTasks_FailsNamingTheEndpointWithinTheClientTimeout()
    {
        RequireDask();
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 2, Cancel);
        await using DaskCluster cluster = await DaskCluster.StartAsync(network, null, Cancel);
        var logger = new CapturingLogger();
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(4, _ => 100);
        try
        {
            await using var bridge = new PythonBridge(BridgeOptions(logger));
            await using DataServer server = bridge.ServeData(schema, partitions, DriverServer(network, logger));

            // The worker hosts still reach the scheduler, but every packet they send to the driver host is lost.
            foreach (TestNetwork.Host worker in network.Workers)
            {
                await network.CutOffAsync(worker, network.Driver, Cancel);
            }

            string driver = Driver(cluster, """
                def main(client):
                    client.gather(client.map(process, data_manager.data_servers(), timeout=3.0, pure=False))
                """);

            var error = Assert.ThrowsAsync<PythonWorkerException>(() => RunAsync(bridge, server, driver, cluster));

            TestContext.Out.WriteLine(error!.PythonMessage);
            Assert.That(error.PythonType, Is.EqualTo("TimeoutError"));
            Assert.That(error.PythonMessage, Does.Match(
                $@"^fetching partition \d from the data server at {Regex(network.Driver.Address)}:{server.Port} failed: cannot connect \(no answer within the client timeout of 3 s\)$"));
            Assert.That(logger.Entries.Where(e => e.EventId.Id is 510 or 511), Is.Empty);
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task FetchFromWorkerHost_WrongToken_RefusedNamingTheServer_TheServerTokenThenServes()
    {
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 1, Cancel);
        var logger = new CapturingLogger();
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(2, _ => 300);
        try
        {
            await using DataServer server = DataServer.Start(schema, partitions, DriverServer(network, logger));
            TestNetwork.Host worker = network.Workers[0];
            string script = $$"""
                import sys
                from data_manager_client import DataServerEndpoint, fetch_batches
                from data_manager.exceptions import ProtocolError
                try:
                    list(fetch_batches(DataServerEndpoint({{Py(server.Host)}}, {{server.Port}}, 1, "00" * 32), timeout=30))
                except ProtocolError as e:
                    print("refused:", e)
                else:
                    sys.exit("the wrong token was accepted")
                # No token in the endpoint: the one in DATABRIDGE_DATA_TOKEN.
                print("rows:", sum(b.num_rows for b in fetch_batches(DataServerEndpoint({{Py(server.Host)}}, {{server.Port}}, 1), timeout=30)))
                """;
            var environment = new Dictionary<string, string>
            {
                ["PYTHONPATH"] = EmbeddedPackage.EnsureExtracted(),
                ["DATABRIDGE_DATA_TOKEN"] = server.Token,
            };

            (int exitCode, string output) = await network.RunAsync(worker, PythonEnvironment.Interpreter, ["-c", script], environment, NoHang, Cancel);

            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain($"refused: the server at {server.Host}:{server.Port} closed the connection during the handshake (wrong token?)"));
            Assert.That(output, Does.Contain("rows: 300"));
            CapturingLogger.Entry rejected = logger.Entries.Single(e => e.EventId.Id == 503);
            Assert.That(RemoteOf(rejected), Is.EqualTo(worker.Address));
            Assert.That(Remotes(logger, 510), Is.EqualTo(new[] { worker.Address }));
            Assert.That(logger.Entries.Select(e => e.Message), Has.None.Contains(server.Token));
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task ServeData_BoundToTheDriverHostsAddress_AdvertisesIt_LogsTheNonLoopbackWarning()
    {
        await using TestNetwork network = await TestNetwork.CreateAsync(workers: 1, Cancel);
        var logger = new CapturingLogger();
        (Schema schema, List<IReadOnlyList<RecordBatch>> partitions) = MultiHostData.Partitions(1, _ => 10);
        try
        {
            await using DataServer server = DataServer.Start(schema, partitions, DriverServer(network, logger));
            await using DataServer loopback = DataServer.Start(schema, partitions, new ServerOptions { Logger = logger });

            Assert.That(server.Host, Is.EqualTo(network.Driver.Address.ToString()));
            CapturingLogger.Entry warning = logger.Entries.Single(e => e.EventId.Id == 501);
            Assert.That(warning.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
            Assert.That(warning.Message, Does.Contain($"non-loopback address {network.Driver.Address}:{server.Port}"));
            Assert.That(logger.Entries.Count(e => e.EventId.Id == 500), Is.EqualTo(2), "both servers started");
        }
        finally
        {
            MultiHostData.Dispose(partitions);
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task CreateNetwork_LeftoversOfAKilledRun_AreRemovedFirst_OwnNamesStayUnique()
    {
        // A process id above pid_max never exists: these are the names a killed run would have left.
        int gone = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture) + 1;
        string ns = $"{TestNetwork.Prefix}-{gone}-1-w1";
        string link = $"{TestNetwork.Prefix}{gone}d1";
        await IpAsync("netns", "add", ns);
        await IpAsync("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);

        await using (TestNetwork first = await TestNetwork.CreateAsync(workers: 1, Cancel))
        await using (TestNetwork second = await TestNetwork.CreateAsync(workers: 1, Cancel))
        {
            Assert.That(await IpAsync("netns", "list"), Does.Not.Contain(ns));
            Assert.That(await IpAsync("-o", "link", "show"), Does.Not.Contain(link));
            Assert.That(second.Workers[0].Namespace, Is.Not.EqualTo(first.Workers[0].Namespace));
            Assert.That(second.Driver.Device, Is.Not.EqualTo(first.Driver.Device));
            Assert.That(second.Subnet, Is.Not.EqualTo(first.Subnet));
        }

        string own = $"{TestNetwork.Prefix}-{Environment.ProcessId}-";
        Assert.That(await IpAsync("netns", "list"), Does.Not.Contain(own), "a namespace outlived its network");
        Assert.That(await IpAsync("-o", "link", "show"), Does.Not.Contain($"{TestNetwork.Prefix}{Environment.ProcessId}d"), "a root link outlived its network");
    }

    // The driver code: the task, the helpers, a client of the cluster waiting for every worker, then main(client).
    private static string Driver(DaskCluster cluster, string main) => Transform + $$"""

        import os, signal, subprocess, time
        import data_manager
        from distributed import Client, Event, Variable, get_worker, wait

        def host_of(address):
            return address.split("://")[-1].rsplit(":", 1)[0]

        def process(endpoint, pause=0.0, timeout=60.0):
            import pandas as pd
            import data_manager_client
            df = pd.concat(list(data_manager_client.fetch(endpoint, timeout=timeout)), ignore_index=True)
            time.sleep(pause)
            data_manager_client.send_result(endpoint, transform(df), timeout=timeout)
            return endpoint.partition, host_of(get_worker().address)

        """ + main + $$"""

        with Client({{Py(cluster.Address)}}, timeout=60) as client:
            client.wait_for_workers({{cluster.Network.Workers.Count}}, timeout=120)
            main(client)
        """;

    private static async Task<DistributedRunResult> RunAsync(PythonBridge bridge, DataServer server, string driver, DaskCluster cluster)
    {
        try
        {
            return await bridge.RunDistributedAsync(server, driver, new RunContext { Owner = "multi-host-tests" }, null, Cancel).WaitAsync(NoHang, Cancel);
        }
        catch (Exception e) when (e is not PythonWorkerException)
        {
            TestContext.Out.WriteLine(cluster.Output());
            throw;
        }
    }

    private static PythonBridgeOptions BridgeOptions(CapturingLogger logger)
    {
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        return options;
    }

    // A data server on the driver host's address, as a user serving other machines configures it.
    private static ServerOptions DriverServer(TestNetwork network, CapturingLogger logger) => new()
    {
        BindAddress = network.Driver.Address,
        Logger = logger,
    };

    private static void AssertSameRows(IReadOnlyList<RecordBatch> distributed, IReadOnlyList<RecordBatch> local)
    {
        long[] ids = MultiHostData.Int64s(local, "id");
        Assert.That(MultiHostData.Int64s(distributed, "id"), Is.EqualTo(ids), "rows missing, duplicated or out of partition order");
        Assert.That(MultiHostData.Doubles(distributed, "score"), Is.EqualTo(MultiHostData.Doubles(local, "score")));
    }

    private static IPAddress? RemoteOf(CapturingLogger.Entry entry) =>
        entry.State.GetValueOrDefault("Remote") is IPEndPoint remote ? remote.Address.MapToIPv4() : null;

    private static IPAddress[] Remotes(CapturingLogger logger, int eventId) =>
        [.. logger.Entries.Where(e => e.EventId.Id == eventId).Select(RemoteOf).OfType<IPAddress>().Distinct()];

    // {"10.1.2.11": "dbmh-…-w1", …}: where the driver code finds a worker host's namespace.
    private static string HostNamespaces(TestNetwork network) =>
        "{" + string.Join(", ", network.Workers.Select(w => $"{Py(w.Address.ToString())}: {Py(w.Namespace!)}")) + "}";

    private static async Task<string> IpAsync(params string[] arguments)
    {
        var psi = new ProcessStartInfo(TestNetwork.IpCommand!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(psi)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(Cancel);
        string error = await process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel).WaitAsync(NoHang, Cancel);
        Assert.That(process.ExitCode, Is.Zero, $"ip {string.Join(' ', arguments)}: {error}");
        return await output;
    }

    private static string Py(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string Regex(IPAddress address) => System.Text.RegularExpressions.Regex.Escape(address.ToString());

    private static void RequireDask()
    {
        if (DaskCluster.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        if (!DistributedEndToEndTests.DaskImportable)
        {
            Assert.Ignore($"Dask 'distributed' is not importable by {PythonEnvironment.Interpreter} (Debian: python3-distributed).");
        }
    }
}
