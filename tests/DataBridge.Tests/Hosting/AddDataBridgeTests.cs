using System.Collections.Concurrent;
using System.Diagnostics;
using DataBridge.Tests.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DataBridge.Tests.Hosting;

/// <summary><c>services.AddDataBridge(...)</c> (DataBridge.Extensions.Hosting): registration, binding, validation at start, disposal, warm-up.</summary>
[CancelAfter(120_000)]
public class AddDataBridgeTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            ["DataBridge:PythonExecutable"] = PythonEnvironment.Interpreter,
            ["DataBridge:ConnectTimeout"] = "00:00:20",
        };
        foreach ((string key, string value) in extra)
        {
            values["DataBridge:" + key] = value;
        }

        return values;
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, bool warmUp, ILoggerProvider? logs = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        }

        DataBridge.Extensions.Hosting.DataBridgeBuilder registration = builder.Services.AddDataBridge(builder.Configuration.GetSection("DataBridge"));
        if (warmUp)
        {
            registration.WarmUpOnStart();
        }

        return builder.Build();
    }

    [Test]
    public void AddDataBridge_BindsTheOptionsFromTheConfigurationSectionAndRegistersOneSingleton()
    {
        var services = new ServiceCollection();
        services.AddDataBridge(
            Configuration(Settings(("MaxWorkers", "3"), ("WorkerIdleTimeout", "00:00:30"), ("RequirePandas", "true"), ("Environment:OMP_NUM_THREADS", "1"))).GetSection("DataBridge"),
            o => o.MaxBatchRows = 1000);
        using ServiceProvider provider = services.BuildServiceProvider();

        PythonBridgeOptions options = provider.GetRequiredService<IOptions<PythonBridgeOptions>>().Value;
        PythonBridge bridge = provider.GetRequiredService<PythonBridge>();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxWorkers, Is.EqualTo(3));
            Assert.That(options.WorkerIdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.RequirePandas, Is.True);
            Assert.That(options.Environment["OMP_NUM_THREADS"], Is.EqualTo("1"));
            Assert.That(options.MaxBatchRows, Is.EqualTo(1000), "code configures after binding");
            Assert.That(options.PythonExecutable, Is.EqualTo(PythonEnvironment.Interpreter));
            Assert.That(provider.GetRequiredService<PythonBridge>(), Is.SameAs(bridge));
            Assert.That(bridge.Options.MaxWorkers, Is.EqualTo(3));
        });
    }

    [Test]
    public void AddDataBridge_Twice_Throws()
    {
        var services = new ServiceCollection();
        services.AddDataBridge();
        Assert.That(() => services.AddDataBridge(), Throws.InvalidOperationException.With.Message.Contains("twice"));
    }

    [Test]
    public void HostStart_InvalidOption_FailsNamingTheSetting()
    {
        using IHost host = BuildHost(Settings(("MaxWorkers", "0")), warmUp: false);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("MaxWorkers"));
    }

    [Test]
    public void HostStart_MissingInterpreter_FailsNamingItAndHowToChooseAnother()
    {
        using IHost host = BuildHost(Settings(("PythonExecutable", "/nonexistent/python3")), warmUp: false);

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("'/nonexistent/python3'").And.Contain("DATABRIDGE_PYTHON").And.Contain("DataBridge:PythonExecutable"));
    }

    [Test]
    public async Task HostStart_WithWarmUp_StartsTheDaemonAndForksOneWorker()
    {
        PythonEnvironment.RequireWorkers();
        using IHost host = BuildHost(Settings(), warmUp: true);

        await host.StartAsync();

        PythonBridge bridge = host.Services.GetRequiredService<PythonBridge>();
        Assert.Multiple(() =>
        {
            Assert.That(bridge.Interpreter, Is.Not.Null);
            Assert.That(bridge.Pool.HostStarts, Is.EqualTo(1));
            Assert.That(bridge.Pool.IdleCount, Is.EqualTo(1));
        });
        await host.StopAsync();
    }

    [Test]
    public void HostStart_WarmUpWithRequirePandasAndNoPandas_FailsNamingTheInterpreter()
    {
        PythonEnvironment.RequireWorkers();
        using IHost host = BuildHost(Settings(("RequirePandas", "true"), ("Environment:DATA_MANAGER_NO_NUMPY", "1")), warmUp: true);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("RequirePandas").And.Contain("DATABRIDGE_PYTHON"));
    }

    [Test]
    public async Task ServiceProviderDispose_Synchronous_StopsTheBridgeAndItsDaemon()
    {
        PythonEnvironment.RequireWorkers();
        var services = new ServiceCollection();
        services.AddDataBridge(Configuration(Settings()).GetSection("DataBridge"));
        ServiceProvider provider = services.BuildServiceProvider();
        PythonBridge bridge = provider.GetRequiredService<PythonBridge>();
        await bridge.WarmUpAsync();
        int daemonPid = ((DataBridge.Workers.PythonDaemon)bridge.Pool.Host!).ProcessId;
        using Process daemon = Process.GetProcessById(daemonPid);

        Assert.That(provider.Dispose, Throws.Nothing);

        Assert.That(daemon.WaitForExit(30_000), Is.True, "the daemon stopped with the container");
        Assert.ThrowsAsync<ObjectDisposedException>(() => bridge.WarmUpAsync());
    }

    [Test]
    public async Task LoggerFactory_GivesEachComponentItsOwnCategory()
    {
        PythonEnvironment.RequireWorkers();
        var logs = new CategoryRecorder();
        using IHost host = BuildHost(Settings(), warmUp: false, logs);
        await host.StartAsync();
        PythonBridge bridge = host.Services.GetRequiredService<PythonBridge>();

        using (RunResult _ = await bridge.RunAsync([Batches.Sample(2)], "print('hello')\ndata_manager.noops_fetch()"))
        {
        }

        Assert.Multiple(() =>
        {
            Assert.That(logs.CategoryOf(100), Is.EqualTo("DataBridge.Daemon"));
            Assert.That(logs.CategoryOf(200), Is.EqualTo("DataBridge.Workers"));
            Assert.That(logs.CategoryOf(300), Is.EqualTo("DataBridge.Runs"));
            Assert.That(logs.CategoryOf(303), Is.EqualTo("DataBridge.Runs"));
            Assert.That(logs.CategoryOf(400), Is.EqualTo("DataBridge.Python"));
        });
        await host.StopAsync();
    }

    [Test]
    public async Task Logger_WithoutAFactory_StillReceivesEveryComponent()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        var services = new ServiceCollection();
        services.AddDataBridge(Configuration(Settings()).GetSection("DataBridge"), o => o.Logger = logger);
        await using ServiceProvider provider = services.BuildServiceProvider();

        using (RunResult _ = await provider.GetRequiredService<PythonBridge>().RunAsync([Batches.Sample(2)], "print('hello')\ndata_manager.noops_fetch()"))
        {
        }

        Assert.That(logger.Entries.Select(e => e.EventId.Id), Is.SupersetOf(new[] { 100, 200, 300, 400 }));
    }

    /// <summary>Remembers the category of the first entry of each event id.</summary>
    private sealed class CategoryRecorder : ILoggerProvider
    {
        private readonly ConcurrentDictionary<int, string> _categories = new();

        public string? CategoryOf(int eventId) => _categories.TryGetValue(eventId, out string? category) ? category : null;

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _categories);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentDictionary<int, string> categories) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                categories.TryAdd(eventId.Id, category);
        }
    }
}
