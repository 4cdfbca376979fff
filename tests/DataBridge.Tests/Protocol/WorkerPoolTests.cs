using DataBridge.Protocol;
using DataBridge.Workers;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataBridge.Tests.Protocol;

/// <summary>The worker pool over fake workers: liveness check before reuse, single returns, bounds, expiry.</summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class WorkerPoolTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Lease_ReturnedTwice_GoesBackToTheIdleListOnce()
    {
        await using var fake = ServingFake();
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 2);
        WorkerLease lease = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        await lease.ReturnAsync(reusable: true);
        await lease.ReturnAsync(reusable: true);
        await lease.DisposeAsync();

        Assert.That(pool.IdleCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Acquire_AfterCleanReturn_ReusesTheWorkerAfterAPing()
    {
        int pings = 0;
        await using var fake = PingCountingFake(() => Interlocked.Increment(ref pings));
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);
        await first.ReturnAsync(reusable: true);

        WorkerLease second = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Assert.That(second.Connection, Is.SameAs(first.Connection));
        Assert.That(second.Reused, Is.True);
        Assert.That(pings, Is.EqualTo(1));
        await second.ReturnAsync(reusable: false);
    }

    [Test]
    public async Task Return_Reusable_SendsThePingAheadAndTheReuseTakesItsPong()
    {
        int pings = 0;
        var pinged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var fake = PingCountingFake(() =>
        {
            Interlocked.Increment(ref pings);
            pinged.TrySetResult();
        });
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        await first.ReturnAsync(reusable: true);
        await pinged.Task.WaitAsync(NoHang); // sent as the worker went idle, before anyone asked for it
        WorkerLease second = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Assert.That(second.Connection, Is.SameAs(first.Connection));
        Assert.That(second.Reused, Is.True);
        Assert.That(pings, Is.EqualTo(1), "the reuse took the answer of the PING sent ahead, and sent no other");
        await second.ReturnAsync(reusable: false);
    }

    [Test]
    public async Task Acquire_WorkerThatDiedAfterAnsweringThePingAhead_IsDiscardedForANewOne()
    {
        int connections = 0;
        var firstGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var fake = new FakeWorker(async s =>
        {
            int n = Interlocked.Increment(ref connections);
            await s.AcceptHandshakeAsync(pid: 1000 + n);
            if (n == 1)
            {
                Assert.That(await s.ReadInt32Async(), Is.EqualTo(FrameCode.Ping));
                await s.WriteInt32Async(FrameCode.Pong);
                s.Stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both); // dies while idle, its PONG already sent
                firstGone.SetResult();
                return;
            }

            await s.ServeBetweenRunsAsync();
        });
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);
        await first.ReturnAsync(reusable: true);
        await firstGone.Task.WaitAsync(NoHang);

        await AssertTheNextAcquireReplacesAsync(pool, first, expectedPid: 1002);
    }

    [Test]
    public async Task Acquire_PingAheadOlderThanItsValidity_PingsAgainBeforeReuse()
    {
        var clock = new ManualClock();
        int pings = 0;
        await using var fake = PingCountingFake(() => Interlocked.Increment(ref pings));
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1, clock: clock);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);
        await first.ReturnAsync(reusable: true);
        clock.Advance(WorkerConnection.PingAheadValidFor + TimeSpan.FromSeconds(1));

        WorkerLease second = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Assert.That(second.Connection, Is.SameAs(first.Connection));
        Assert.That(pings, Is.EqualTo(2), "the PING sent ahead, then a fresh one: the old answer proves too little");
        await second.ReturnAsync(reusable: false);
    }

    [Test]
    public async Task Acquire_IdleWorkerFailsPing_IsDiscardedForANewOne()
    {
        int connections = 0;
        await using var fake = new FakeWorker(async s =>
        {
            int n = Interlocked.Increment(ref connections);
            await s.AcceptHandshakeAsync(pid: 1000 + n);
            if (n == 1)
            {
                await s.ReadInt32Async();
                return; // dies instead of answering PONG
            }

            await s.ServeBetweenRunsAsync();
        });
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);
        await first.ReturnAsync(reusable: true);

        await AssertTheNextAcquireReplacesAsync(pool, first, expectedPid: 1002);
    }

    [Test]
    public async Task Acquire_NotReusableReturn_NeverReachesTheIdleList()
    {
        await using var fake = ServingFake();
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease lease = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        await lease.ReturnAsync(reusable: false);

        Assert.That(pool.IdleCount, Is.Zero);
        Assert.That(lease.Connection.IsAborted, Is.True);
        Assert.That(fake.KillRequests, Does.Contain(FakeWorker.WorkerPid));
    }

    [Test]
    public async Task Acquire_AllWorkersBusy_WaitsUntilOneIsReturned()
    {
        await using var fake = ServingFake();
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1);
        WorkerLease busy = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Task<WorkerLease> waiting = pool.AcquireAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.That(waiting.IsCompleted, Is.False, "MaxWorkers = 1 and the only worker is busy");

        await busy.ReturnAsync(reusable: true);
        WorkerLease next = await waiting.WaitAsync(NoHang);
        Assert.That(next.Connection, Is.SameAs(busy.Connection));
        await next.ReturnAsync(reusable: false);
    }

    [Test]
    public async Task Acquire_IdleWorkerPastItsTimeout_IsClosedAndANewOneConnected()
    {
        var clock = new ManualClock();
        await using var fake = ServingFake();
        await using WorkerPool pool = CreatePool(fake, maxWorkers: 1, idleTimeout: TimeSpan.FromMinutes(1), clock: clock);
        WorkerLease first = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);
        await first.ReturnAsync(reusable: true);

        clock.Advance(TimeSpan.FromMinutes(2));
        WorkerLease second = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Assert.That(second.Connection, Is.Not.SameAs(first.Connection));
        await second.ReturnAsync(reusable: false);
    }

    // A worker that answers every PING (calling onPing first) until another frame or the end.
    private static FakeWorker PingCountingFake(Action onPing) => new(async s =>
    {
        await s.AcceptHandshakeAsync();
        while (await s.ReadInt32Async() == FrameCode.Ping)
        {
            onPing();
            await s.WriteInt32Async(FrameCode.Pong);
        }
    });

    // The next acquire discards the idle worker of the first lease and connects a fresh one.
    private static async Task AssertTheNextAcquireReplacesAsync(WorkerPool pool, WorkerLease first, int expectedPid)
    {
        WorkerLease second = await pool.AcquireAsync(CancellationToken.None).WaitAsync(NoHang);

        Assert.That(second.Connection.ProcessId, Is.EqualTo(expectedPid));
        Assert.That(second.Reused, Is.False);
        Assert.That(first.Connection.IsAborted, Is.True);
        await second.ReturnAsync(reusable: false);
    }

    private static FakeWorker ServingFake() => new(async s =>
    {
        await s.AcceptHandshakeAsync();
        await s.ServeBetweenRunsAsync();
    });

    private static WorkerPool CreatePool(FakeWorker fake, int maxWorkers, TimeSpan? idleTimeout = null, TimeProvider? clock = null) =>
        new(
            new WorkerPoolSettings(maxWorkers, true, idleTimeout ?? TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2), 4096, FakeWorker.Token, clock ?? TimeProvider.System, NullLogger.Instance),
            _ => Task.FromResult<IWorkerHost>(fake));

    /// <summary>A clock that only moves when told to (timers still run on the system clock).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
