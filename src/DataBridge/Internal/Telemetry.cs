using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DataBridge.Internal;

/// <summary>
/// The process-wide meter and activity source of DataBridge (see <see cref="DataBridgeDiagnostics"/> and
/// docs/observability.md). Instruments are cheap when nobody listens.
/// </summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new(DataBridgeDiagnostics.ActivitySourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(DataBridgeDiagnostics.MeterName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("databridge.runs", "{run}", "Runs started (driver runs and executor partitions).");

    public static readonly Counter<long> RunFailures = Meter.CreateCounter<long>("databridge.run.failures", "{run}", "Runs that ended with an exception.");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("databridge.run.duration", "s", "Duration of runs, from start to the last output batch.");

    public static readonly Counter<long> RowsSent = Meter.CreateCounter<long>("databridge.rows.sent", "{row}", "Rows sent to Python.");

    public static readonly Counter<long> RowsReceived = Meter.CreateCounter<long>("databridge.rows.received", "{row}", "Rows received from Python.");

    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("databridge.bytes.sent", "By", "Arrow stream bytes sent to Python.");

    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("databridge.bytes.received", "By", "Arrow stream bytes received from Python.");

    public static readonly Counter<long> BatchesSent = Meter.CreateCounter<long>("databridge.batches.sent", "{batch}", "Record batches sent to Python.");

    public static readonly Counter<long> BatchesReceived = Meter.CreateCounter<long>("databridge.batches.received", "{batch}", "Record batches received from Python.");

    public static readonly Counter<long> WorkerStarts = Meter.CreateCounter<long>("databridge.worker.starts", "{worker}", "Worker processes forked.");

    public static readonly Counter<long> WorkerReuses = Meter.CreateCounter<long>("databridge.worker.reuses", "{run}", "Runs served by a reused worker.");

    public static readonly Counter<long> WorkerCrashes = Meter.CreateCounter<long>("databridge.worker.crashes", "{worker}", "Workers that ended mid-run.");

    public static readonly Counter<long> DaemonRestarts = Meter.CreateCounter<long>("databridge.daemon.restarts", "{daemon}", "Daemons started again after the previous one died.");

    public static readonly Counter<long> ServerConnections = Meter.CreateCounter<long>("databridge.server.connections", "{connection}", "Connections accepted by data and model servers.");
}
