using System.Globalization;
using DataBridge;
using Microsoft.Extensions.Options;

namespace WorkerService;

/// <summary>
/// The scheduled job: every <see cref="EtlOptions.Interval"/> it loads the orders, enriches them in Python through
/// the bridge the container holds, and writes the result as CSV. With <see cref="EtlOptions.Once"/> it runs once and
/// stops the host (exit code 1 when that run failed).
/// </summary>
internal sealed partial class EtlJob(PythonBridge bridge, IOptions<EtlOptions> options, IHostApplicationLifetime lifetime, ILogger<EtlJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EtlOptions settings = options.Value;
        string code = await File.ReadAllTextAsync(settings.Script, stoppingToken);
        using var timer = new PeriodicTimer(settings.Interval);
        int run = 0;
        do
        {
            run++;
            try
            {
                await RunOnceAsync(settings, code, run, stoppingToken);
            }
            catch (Exception ex) when (ex is DataBridgeException or IOException && !stoppingToken.IsCancellationRequested)
            {
                // One failed run does not stop the schedule; PythonWorkerException.ToString() carries the traceback.
                LogRunFailed(logger, ex, run);
                Environment.ExitCode = 1;
            }

            if (settings.Once)
            {
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunOnceAsync(EtlOptions settings, string code, int run, CancellationToken cancellationToken)
    {
        ArrowFrame orders = ArrowFrame.LoadCsv(settings.Input);
        var context = new RunContext
        {
            Owner = "worker-service",
            GroupId = $"etl-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{run}",
            CodeName = settings.Script,
        };
        ArrowFrame enriched = await bridge.RunAsync(orders, code, context, cancellationToken);
        Directory.CreateDirectory(settings.OutputDirectory);
        string path = Path.Combine(settings.OutputDirectory, string.Create(CultureInfo.InvariantCulture, $"enriched-{run}.csv"));
        enriched.SaveCsv(path);
        LogRunDone(logger, run, orders.RowCount, enriched.RowCount, path);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "ETL run {Run}: {RowsIn} orders in, {RowsOut} rows written to {Path}")]
    private static partial void LogRunDone(ILogger logger, int run, long rowsIn, long rowsOut, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "ETL run {Run} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, int run);
}
