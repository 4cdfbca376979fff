using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DataBridge.Tests.Workers;

/// <summary>The documented meter, spans and progress reports (docs/observability.md) for real runs.</summary>
[CancelAfter(120_000)]
[NonParallelizable]
public class ObservabilityTests
{
    private static RecordBatch Numbers(int rows)
    {
        var b = new Int64Array.Builder();
        for (int i = 0; i < rows; i++)
        {
            b.Append(i);
        }

        return new RecordBatch(new Schema([new Field("x", Int64Type.Default, false)], null), [b.Build()], rows);
    }

    [Test]
    public async Task Run_PublishesCountersHistogramAndATaggedSpan()
    {
        PythonEnvironment.RequireWorkers();
        var totals = new ConcurrentDictionary<string, double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DataBridgeDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, value, _, _) => totals.AddOrUpdate(i.Name, value, (_, v) => v + value));
        meters.SetMeasurementEventCallback<double>((i, _, _, _) => totals.AddOrUpdate(i.Name + ".count", 1, (_, v) => v + 1));
        meters.Start();
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DataBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);

        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        var context = new RunContext { GroupId = "obs-1", Owner = "tester" };
        using (RunResult first = await bridge.RunAsync([Numbers(1000), Numbers(500)], "data_manager.set_output(data_manager.fetch_once_as_batches())", context))
        {
            Assert.That(first.RowCount, Is.EqualTo(1500));
        }

        using (RunResult second = await bridge.RunAsync([Numbers(10)], "data_manager.noops_fetch()\ndata_manager.set_output({'n': [1]})", context))
        {
            Assert.That(second.RowCount, Is.EqualTo(1));
        }

        meters.RecordObservableInstruments();
        Assert.Multiple(() =>
        {
            Assert.That(totals["databridge.runs"], Is.EqualTo(2));
            Assert.That(totals["databridge.rows.sent"], Is.EqualTo(1510));
            Assert.That(totals["databridge.batches.sent"], Is.EqualTo(3));
            Assert.That(totals["databridge.rows.received"], Is.EqualTo(1501));
            Assert.That(totals["databridge.bytes.sent"], Is.GreaterThanOrEqualTo(1510 * 8));
            Assert.That(totals["databridge.worker.starts"], Is.EqualTo(1));
            Assert.That(totals["databridge.worker.reuses"], Is.EqualTo(1));
            Assert.That(totals["databridge.run.duration.count"], Is.EqualTo(2));
            Assert.That(totals.ContainsKey("databridge.run.failures"), Is.False);
        });
        Activity[] runs = [.. spans.Where(a => a.OperationName == "databridge.run")];
        Assert.That(runs, Has.Length.EqualTo(2));
        Assert.That(runs.Select(a => a.GetTagItem("databridge.context.GROUP_ID")), Is.All.EqualTo("obs-1"));
        Assert.That(runs.Select(a => a.GetTagItem("databridge.context.OWNER")), Is.All.EqualTo("tester"));
        Assert.That(runs.Select(a => a.Status), Is.All.EqualTo(ActivityStatusCode.Ok));
    }

    [Test]
    public async Task MapPartitions_ReportsProgressAndOneSpanPerPartitionUnderTheCallSpan()
    {
        PythonEnvironment.RequireWorkers();
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DataBridgeDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);
        var reports = new ConcurrentQueue<RunProgress>();
        var context = new RunContext { GroupId = "obs-2", Progress = new SyncProgress(reports.Enqueue) };
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 2));
        IReadOnlyList<RunResult> results = await bridge.MapPartitionsAsync(
            [[Numbers(100)], [Numbers(200)], [Numbers(300)]], "data_manager.set_output(data_manager.fetch_once_as_batches())", context, parallelism: 2);
        foreach (RunResult r in results)
        {
            r.Dispose();
        }

        RunProgress last = reports.MaxBy(p => (p.PartitionsDone, p.RowsReceived, p.RowsSent));
        Assert.Multiple(() =>
        {
            Assert.That(last.PartitionsDone, Is.EqualTo(3));
            Assert.That(last.PartitionsTotal, Is.EqualTo(3));
            Assert.That(last.RowsSent, Is.EqualTo(600));
            Assert.That(last.RowsReceived, Is.EqualTo(600));
        });
        Activity call = spans.Single(a => a.OperationName == "databridge.map_partitions");
        Activity[] parts = [.. spans.Where(a => a.OperationName == "databridge.run" && a.ParentSpanId == call.SpanId)];
        Assert.That(parts.Select(a => (int)a.GetTagItem("databridge.partition")!).Order(), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool after the call returns).</summary>
    private sealed class SyncProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}
