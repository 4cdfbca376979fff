using System.Runtime.Versioning;

namespace DataBridge.Workers.SharedMemory;

/// <summary>
/// The two regions of one worker connection (docs/protocol.md, 2.6): <see cref="Input"/>, which the bridge writes and
/// the worker reads (numpy views over it), and <see cref="Output"/>, which the worker writes and the bridge copies out
/// of. Created at the connection's first run, reused by every later run of it, never given to another worker.
/// </summary>
/// <remarks>
/// <para>Between two runs the bytes a run used in either region are zeroed (<see cref="ScheduleClear"/>, off the caller's
/// path; the next run waits for it in <see cref="WaitClearedAsync"/>), so a run never sees what an earlier run of the same
/// worker left there: the regions are cleared, not merely overwritten.</para>
/// <para>Lifetime: the connection holds one reference and each run one more (<see cref="Acquire"/>/<see cref="Release"/>);
/// the mappings are removed when the last is released, so a run still copying into a region can never have it unmapped
/// under it by a connection that is being torn down.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed class SharedChannel
{
    /// <summary>Up to this many used bytes are zeroed on the caller's thread.</summary>
    private const long SynchronousClearBytes = 1 << 20;

    private int _references = 1;
    private Task _clearing = Task.CompletedTask;

    private SharedChannel(SharedRegion input, SharedRegion output)
    {
        Input = input;
        Output = output;
    }

    /// <summary>The bridge → worker region.</summary>
    public SharedRegion Input { get; }

    /// <summary>The worker → bridge region.</summary>
    public SharedRegion Output { get; }

    /// <summary>Creates both regions of <paramref name="regionBytes"/> bytes each; throws <see cref="IOException"/> naming the failed call.</summary>
    public static SharedChannel Create(long regionBytes, int workerPid)
    {
        SharedRegion input = SharedRegion.Create(regionBytes, $"databridge-in-{workerPid}");
        try
        {
            return new SharedChannel(input, SharedRegion.Create(regionBytes, $"databridge-out-{workerPid}"));
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>Takes a reference for a run; false when the channel is already released.</summary>
    public bool Acquire()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one unmaps both regions (a clear in progress holds its own reference).</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Input.Dispose();
            Output.Dispose();
        }
    }

    /// <summary>Zeroes what the run used: on the thread pool, or at once when that is at most 1 MiB. The caller holds a reference until this returns.</summary>
    public void ScheduleClear(long inputUsed, long outputUsed)
    {
        if (inputUsed <= 0 && outputUsed <= 0)
        {
            return;
        }

        if (inputUsed + outputUsed <= SynchronousClearBytes)
        {
            // A small run: zeroing takes less than handing it to the thread pool would.
            Input.Clear(inputUsed);
            Output.Clear(outputUsed);
            return;
        }

        if (!Acquire())
        {
            return;
        }

        // The two regions in parallel: zeroing is bound by one core's store bandwidth, and the caller is done with both.
        Task input = Task.Run(() => Input.Clear(inputUsed));
        Task output = Task.Run(() => Output.Clear(outputUsed));
        _clearing = Task.WhenAll(input, output).ContinueWith(
            static (_, state) => ((SharedChannel)state!).Release(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when the previous run's bytes are zeroed.</summary>
    public Task WaitClearedAsync() => _clearing;
}
