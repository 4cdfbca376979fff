using DataBridge.Arrow;

namespace DataBridge.Tests.Workers;

[TestFixture]
[CancelAfter(60_000)]
public sealed class PythonBridgeSmokeTests
{
    [Test]
    public async Task RunAsync_IdentityOverColumnObjects_ReturnsInput()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options();
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(10)], "data_manager.set_output(list(data_manager.fetch_once_as_batches()))");

        foreach (var e in logger.Entries)
        {
            TestContext.Out.WriteLine($"{e.Level} {e.EventId} {e.Message}");
        }

        Assert.That(Batches.Int64s(result, "id"), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
    }
}
