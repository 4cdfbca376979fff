// A Worker Service running a scheduled ETL job through DataBridge: the bridge is a container singleton
// (services.AddDataBridge, options from appsettings.json's "DataBridge" section, warmed up at start), and
// OpenTelemetry prints the bridge's metrics (meter "DataBridge") and traces (source "DataBridge") to the console.
//
// From the repository root:
//   dotnet run --project samples/WorkerService -- --once    one run, then exit (what CI runs)
//   dotnet run --project samples/WorkerService              one run a minute until Ctrl+C
// Output: out/worker-service/enriched-N.csv (git-ignored).
using DataBridge;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WorkerService;

bool once = args.Contains("--once");
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [.. args.Where(a => a != "--once")],
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the binary; the job's paths are relative to the working directory
});

builder.Services.AddDataBridge(builder.Configuration.GetSection("DataBridge")).WarmUpOnStart();
builder.Services.AddOptions<EtlOptions>().Bind(builder.Configuration.GetSection("Etl")).Configure(o => o.Once |= once);
builder.Services.AddHostedService<EtlJob>();
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(DataBridgeDiagnostics.MeterName).AddConsoleExporter())
    .WithTracing(tracing => tracing.AddSource(DataBridgeDiagnostics.ActivitySourceName).AddConsoleExporter());

using IHost host = builder.Build();
await host.RunAsync();
