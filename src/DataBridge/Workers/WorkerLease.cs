namespace DataBridge.Workers;

/// <summary>
/// A worker taken from the pool for one run. Returning it is idempotent: the first
/// <see cref="ReturnAsync"/> (or disposal, which returns it as not reusable) wins, so a worker can never be
/// put back twice.
/// </summary>
internal sealed class WorkerLease : IAsyncDisposable
{
    private readonly WorkerPool _pool;
    private int _returned;

    internal WorkerLease(WorkerPool pool, WorkerConnection connection, bool reused)
    {
        _pool = pool;
        Connection = connection;
        Reused = reused;
    }

    /// <summary>The leased connection.</summary>
    public WorkerConnection Connection { get; }

    /// <summary>Whether the worker served an earlier run.</summary>
    public bool Reused { get; }

    /// <summary>Gives the worker back: to the idle list when <paramref name="reusable"/> (and reuse is on), else it is closed.</summary>
    public ValueTask ReturnAsync(bool reusable) =>
        Interlocked.Exchange(ref _returned, 1) == 0 ? _pool.ReleaseAsync(Connection, reusable) : ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ReturnAsync(reusable: false);
}
