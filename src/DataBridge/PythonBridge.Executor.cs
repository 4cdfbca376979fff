using System.Diagnostics;
using DataBridge.Internal;

namespace DataBridge;

public sealed partial class PythonBridge
{
    /// <summary>
    /// Executor mode: runs <paramref name="code"/> once per partition, each in its own worker run (the header's
    /// <c>partition</c> is the index), up to <paramref name="parallelism"/> at once, and returns the results in
    /// partition order.
    /// </summary>
    /// <param name="partitions">The partitions' input batches.</param>
    /// <param name="code">Python source; it sees <c>data_manager</c>.</param>
    /// <param name="context">The run context shared by every partition, or null.</param>
    /// <param name="parallelism">The most partitions running at once; 0 means <see cref="PythonBridgeOptions.MaxWorkers"/>.</param>
    /// <param name="cancellationToken">Cancelling kills the running workers and ends the call.</param>
    /// <returns>One result per partition, in partition order.</returns>
    /// <exception cref="PartitionFailedException">
    /// A partition failed. Every other partition still ran to its end: the exception names the (lowest) failed
    /// partition, holds its cause and carries the completed results, so no finished work is lost.
    /// </exception>
    public async Task<IReadOnlyList<RunResult>> MapPartitionsAsync(
        IReadOnlyList<IEnumerable<RecordBatch>> partitions,
        string code,
        RunContext? context = null,
        int parallelism = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentOutOfRangeException.ThrowIfNegative(parallelism);
        CheckCode(code, out _);
        ThrowIfDisposed();
        for (int i = 0; i < partitions.Count; i++)
        {
            if (partitions[i] is null)
            {
                throw new ArgumentException($"Partition {i} is null.", nameof(partitions));
            }
        }

        int lanes = Math.Min(parallelism == 0 ? _options.MaxWorkers : parallelism, Math.Max(partitions.Count, 1));
        var meter = new RunMeter(context?.Progress, partitions.Count);

        // The call's span; each partition's run is a child span (started by the run path).
        using Activity? activity = Telemetry.Source.StartActivity("databridge.map_partitions");
        activity?.SetTag("databridge.partitions", partitions.Count);
        activity?.SetTag("databridge.parallelism", lanes);
        var results = new RunResult?[partitions.Count];
        var failures = new Exception?[partitions.Count];
        int next = -1;

        // Each lane takes the next partition index until none is left; a failure does not stop the others, so
        // every partition that can complete does.
        async Task LaneAsync()
        {
            while (true)
            {
                int index = Interlocked.Increment(ref next);
                if (index >= partitions.Count || cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    results[index] = await CollectAsync(InputSource.From(partitions[index]), code, context, index, cancellationToken, null, meter).ConfigureAwait(false);
                    meter.PartitionDone();
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failures[index] = ex;
                }
            }
        }

        var lanesTasks = new Task[lanes];
        for (int i = 0; i < lanes; i++)
        {
            lanesTasks[i] = Task.Run(LaneAsync, CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(lanesTasks).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (OperationCanceledException)
        {
            foreach (RunResult? result in results)
            {
                result?.Dispose();
            }

            throw;
        }

        int failed = Array.FindIndex(failures, f => f is not null);
        if (failed >= 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"partition {failed} failed");
            throw new PartitionFailedException(failed, failures[failed]!, results);
        }

        return results!;
    }
}
