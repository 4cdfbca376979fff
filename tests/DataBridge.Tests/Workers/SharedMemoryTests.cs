using System.Runtime.Versioning;
using DataBridge.Workers.SharedMemory;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 15 items 1 and 2: record batches between the bridge and a local worker travel through two shared-memory
/// regions per connection (memfd, 0600, sealed, passed over the authenticated Unix-domain socket), overflow to the
/// socket, are cleared between runs, fall back to the socket (logged) or fail (Required) where unavailable.
/// </summary>
[TestFixture]
[CancelAfter(180_000)]
[SupportedOSPlatform("linux")]
public sealed class SharedMemoryTests
{
    private const string Identity = "data_manager.set_output(data_manager.fetch_once_as_batches())";

    // One worker, its batches only through shared memory (a run fails rather than fall back), regions of the given size.
    private static PythonBridge RequiredSharedMemoryBridge(long? regionBytes = null)
    {
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.SharedMemory = SharedMemoryMode.Required;
        if (regionBytes is { } bytes)
        {
            options.SharedMemoryRegionBytes = bytes;
        }

        return new PythonBridge(options);
    }

    [Test]
    public async Task Required_RoundTripsBatches_ThroughSharedMemory_ValuesExact()
    {
        RequireLinuxWorkers();
        await using PythonBridge bridge = RequiredSharedMemoryBridge();

        using RunResult result = await bridge.RunAsync([Batches.Sample(50_000), Batches.Sample(7, start: 50_000)], Identity);

        Assert.Multiple(() =>
        {
            Assert.That(Batches.Int64s(result, "id"), Is.EqualTo(Enumerable.Range(0, 50_007).Select(i => (long)i)));
            Assert.That(Batches.Strings(result, "name")[6], Is.Null);
            Assert.That(Batches.Strings(result, "name")[49_999], Is.EqualTo("n49999"));
            Assert.That(bridge.Pool.IdleUsingSharedMemory, Is.EqualTo(1), "the connection moved its batches through shared memory");
        });
    }

    [Test]
    public async Task StreamLargerThanTheRegion_OverflowsToTheSocket_BothWays_ValuesExact()
    {
        RequireLinuxWorkers();
        await using PythonBridge bridge = RequiredSharedMemoryBridge(regionBytes: 1 << 20);

        // ~10 MB of input in batches of 20,000 rows: the first fit the 1 MiB region, the rest go through the socket.
        RecordBatch[] input = [.. Enumerable.Range(0, 20).Select(i => Batches.Sample(20_000, start: i * 20_000))];
        using RunResult result = await bridge.RunAsync(input, Identity);

        Assert.That(Batches.Int64s(result, "id"), Is.EqualTo(Enumerable.Range(0, 400_000).Select(i => (long)i)));
        Assert.That(Batches.Strings(result, "name")[399_999], Is.EqualTo("n399999"));
    }

    [Test]
    public async Task PandasPassThrough_OverASmallRing_EchoedColumnsKeepTheirValues()
    {
        RequireLinuxWorkers();
        PythonEnvironment.RequirePandas();
        await using PythonBridge bridge = RequiredSharedMemoryBridge(regionBytes: 1 << 20);

        // 40 batches of 8,192 rows (~200 KB each) through 1 MiB rings: the input ranges are reused many times while
        // the unchanged columns of earlier batches are echoed back from them (a range is held until its echo is taken).
        const string AddColumn = """
            out = []
            for df in data_manager.fetch_once():
                df["twice"] = df["id"] * 2
                out.append(df)
            data_manager.set_output(out)
            """;
        RecordBatch[] input = [.. Enumerable.Range(0, 40).Select(i => Batches.Sample(8_192, start: i * 8_192))];
        using RunResult result = await bridge.RunAsync(input, AddColumn);
        using RunResult again = await bridge.RunAsync(input[..3], AddColumn);

        long[] ids = Batches.Int64s(result, "id");
        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.EqualTo(Enumerable.Range(0, 40 * 8_192).Select(i => (long)i)));
            Assert.That(Batches.Int64s(result, "twice"), Is.EqualTo(ids.Select(i => i * 2)));
            Assert.That(Batches.Strings(result, "name")[327_679], Is.EqualTo("n327679"));
            Assert.That(Batches.Int64s(again, "id"), Is.EqualTo(Enumerable.Range(0, 3 * 8_192).Select(i => (long)i)), "the next run of the worker");
        });
    }

    [Test]
    public async Task ReusedRegions_AreCleared_BeforeTheNextRunOfTheWorker()
    {
        RequireLinuxWorkers();
        await using PythonBridge bridge = RequiredSharedMemoryBridge();

        // Each run reports how many bytes of either region past 64 KiB (and below 4 MiB) are not zero.
        const string Probe = """
            from data_manager import _worker
            batches = data_manager.fetch_once_as_batches()
            def dirty(role):
                return len(_worker.SHARED_REGIONS[role][65536:4 << 20].strip(b"\0"))
            import pandas as pd
            data_manager.set_output(pd.DataFrame({"input": [dirty("input")], "output": [dirty("output")]}))
            """;
        PythonEnvironment.RequirePandas();
        using (RunResult big = await bridge.RunAsync([Batches.Sample(100_000)], Identity))
        {
            Assert.That(big.RowCount, Is.EqualTo(100_000), "a run that fills both regions well past 64 KiB");
        }

        using RunResult probe = await bridge.RunAsync([Batches.Sample(10)], Probe);

        Assert.That((Batches.Int64s(probe, "input")[0], Batches.Int64s(probe, "output")[0]), Is.EqualTo((0L, 0L)), "nothing of the earlier run is left");
        Assert.That(bridge.Pool.IdleUsingSharedMemory, Is.EqualTo(1));
    }

    [Test]
    public void Region_IsAnonymous_Mode0600_AndSealedAgainstResizing()
    {
        RequireLinux();
        using SharedRegion region = SharedRegion.Create(1 << 20, "databridge-test");
        string link = new FileInfo($"/proc/self/fd/{region.Descriptor}").LinkTarget!;
        int seals = LibC.Fcntl(region.Descriptor, LibC.FGetSeals, 0);

        Assert.Multiple(() =>
        {
            Assert.That(link, Does.StartWith("/memfd:databridge-test"), "no name in any directory");
            Assert.That(File.GetUnixFileMode($"/proc/self/fd/{region.Descriptor}"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(seals & (LibC.FSealShrink | LibC.FSealGrow | LibC.FSealSeal), Is.EqualTo(LibC.FSealShrink | LibC.FSealGrow | LibC.FSealSeal), "the worker can neither shrink it (our mapping would fault) nor change the seals");
            Assert.That(LibC.Ftruncate(region.Descriptor, 4096), Is.Not.Zero, "shrinking is refused");
        });
    }

    [Test]
    public async Task Auto_OverTcp_UsesTheSocket_LogsWhyOnce_RequiredFailsNamingIt()
    {
        RequireLinuxWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.WorkerTransport = WorkerTransport.Tcp;
        options.Logger = logger;
        await using (var bridge = new PythonBridge(options))
        {
            using RunResult first = await bridge.RunAsync([Batches.Sample(3)], Identity);
            using RunResult second = await bridge.RunAsync([Batches.Sample(3)], Identity);
            Assert.That(bridge.Pool.IdleUsingSharedMemory, Is.Zero);
        }

        Assert.That(logger.Entries.Count(e => e.EventId.Id == 108), Is.EqualTo(1));
        Assert.That(logger.Entries.Single(e => e.EventId.Id == 108).Message, Does.Contain("TCP"));

        PythonBridgeOptions required = PythonEnvironment.Options(maxWorkers: 1);
        required.WorkerTransport = WorkerTransport.Tcp;
        required.SharedMemory = SharedMemoryMode.Required;
        await using var strict = new PythonBridge(required);
        DataBridgeException? error = Assert.ThrowsAsync<DataBridgeException>(async () => await strict.RunAsync([Batches.Sample(3)], Identity));
        Assert.That(error!.Message, Does.Contain("Shared memory was required").And.Contain("TCP"));
    }

    [Test]
    public async Task Off_UsesTheSocket()
    {
        RequireLinuxWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.SharedMemory = SharedMemoryMode.Off;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(1000)], Identity);

        Assert.That((result.RowCount, bridge.Pool.IdleUsingSharedMemory), Is.EqualTo((1000L, 0)));
    }

    [Test]
    public void RegionSize_UnderAWorkerMemoryLimit_IsASixteenthOfIt()
    {
        var options = new PythonBridgeOptions { WorkerMemoryLimitMb = 2048, SharedMemoryRegionBytes = 1L << 30 };
        Assert.That(SharedMemorySettings.RegionBytesFor(options), Is.EqualTo(128L << 20), "both regions count against the worker's address space");
        Assert.That(SharedMemorySettings.RegionBytesFor(new PythonBridgeOptions()), Is.EqualTo(64L << 20));
    }

    [Test]
    public void Options_RejectAnInvalidModeOrSize_AndReadTheEnvironment()
    {
        Assert.Throws<ArgumentException>(new PythonBridgeOptions { SharedMemoryRegionBytes = 1000 }.Validate);
        Assert.Throws<ArgumentException>(new PythonBridgeOptions { SharedMemory = (SharedMemoryMode)9 }.Validate);
        string? saved = Environment.GetEnvironmentVariable("DATABRIDGE_SHARED_MEMORY");
        try
        {
            Environment.SetEnvironmentVariable("DATABRIDGE_SHARED_MEMORY", "off");
            Assert.That(new PythonBridgeOptions().SharedMemory, Is.EqualTo(SharedMemoryMode.Off));
            Environment.SetEnvironmentVariable("DATABRIDGE_SHARED_MEMORY", "sometimes");
            ArgumentException? error = Assert.Throws<ArgumentException>(new PythonBridgeOptions().Validate);
            Assert.That(error!.Message, Does.Contain("DATABRIDGE_SHARED_MEMORY").And.Contain("sometimes"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DATABRIDGE_SHARED_MEMORY", saved);
        }
    }

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Shared memory is implemented on Linux.");
        }
    }

    private static void RequireLinuxWorkers()
    {
        PythonEnvironment.RequireWorkers();
        RequireLinux();
    }
}
