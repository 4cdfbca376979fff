using DataBridge.Internal;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

/// <summary>
/// The workers of one bridge and the host (daemon) that forks them. At most <c>MaxWorkers</c> workers are
/// alive: a new one is forked only when no idle one is left, and busy ones are bounded by a semaphore. Idle
/// workers are kept most-recently-used first, each with its own expiry; an idle worker must answer PING
/// before reuse. A dead host is restarted on the next acquisition.
/// </summary>
internal sealed class WorkerPool : IAsyncDisposable
{
    private readonly WorkerPoolSettings _settings;
    private readonly Func<CancellationToken, Task<IWorkerHost>> _startHost;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _hostGate = new(1, 1);
    private readonly List<WorkerConnection> _idle = [];
    private readonly ITimer _sweeper;
    private IWorkerHost? _host;
    private int _hostStarts;
    private bool _disposed;

    /// <summary>Creates the pool; the host starts lazily on the first acquisition.</summary>
    public WorkerPool(WorkerPoolSettings settings, Func<CancellationToken, Task<IWorkerHost>> startHost)
    {
        _settings = settings;
        _startHost = startHost;
        _slots = new SemaphoreSlim(settings.MaxWorkers, settings.MaxWorkers);
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(settings.IdleTimeout.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(10).Ticks));
        _sweeper = settings.TimeProvider.CreateTimer(static state => ((WorkerPool)state!).SweepExpired(), this, period, period);
    }

    /// <summary>How many times a host was started (1 unless the daemon died and was restarted).</summary>
    public int HostStarts => Volatile.Read(ref _hostStarts);

    /// <summary>The current host, if started.</summary>
    public IWorkerHost? Host => _host;

    /// <summary>Number of idle workers.</summary>
    public int IdleCount
    {
        get
        {
            lock (_idle)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>The idle connections, for tests: how many of them move their batches through shared memory.</summary>
    internal int IdleUsingSharedMemory
    {
        get
        {
            lock (_idle)
            {
                return _idle.Count(c => c.UsesSharedMemory);
            }
        }
    }

    /// <summary>Takes a live worker: an idle one that answers PING, else a newly forked one.</summary>
    public async Task<WorkerLease> AcquireAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (TakeIdle() is { } idle)
            {
                if (idle.Host.HasExited || idle.Host != _host)
                {
                    Log.WorkerDiscarded(_settings.Logger, idle.ProcessId, "its daemon is gone");
                    idle.Abort();
                    continue;
                }

                if (await idle.PingAsync(_settings.TimeProvider, cancellationToken).ConfigureAwait(false))
                {
                    Log.WorkerReused(_settings.Logger, idle.ProcessId);
                    Telemetry.WorkerReuses.Add(1);
                    return new WorkerLease(this, idle, reused: true);
                }

                Log.WorkerDiscarded(_settings.Logger, idle.ProcessId, "no PONG before reuse");
            }

            WorkerConnection fresh = await ConnectNewAsync(cancellationToken).ConfigureAwait(false);
            Log.WorkerStarted(_settings.Logger, fresh.ProcessId);
            Telemetry.WorkerStarts.Add(1);
            return new WorkerLease(this, fresh, reused: false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Returns a worker (through its lease): idle when reusable, otherwise closed.</summary>
    internal async ValueTask ReleaseAsync(WorkerConnection connection, bool reusable)
    {
        try
        {
            bool keep = reusable && _settings.ReuseWorkers && !connection.IsAborted && !connection.Host.HasExited;
            if (keep && !_disposed)
            {
                keep = await connection.PingAheadAsync(_settings.TimeProvider).ConfigureAwait(false);
            }

            if (keep)
            {
                lock (_idle)
                {
                    if (!_disposed)
                    {
                        connection.IdleSinceTimestamp = _settings.TimeProvider.GetTimestamp();
                        _idle.Add(connection);
                        return;
                    }
                }
            }

            if (reusable && !connection.IsAborted)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
            else
            {
                connection.Abort();
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Closes every idle worker and stops the host (its process group dies with it).</summary>
    public async ValueTask DisposeAsync()
    {
        List<WorkerConnection> idle;
        lock (_idle)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        await _sweeper.DisposeAsync().ConfigureAwait(false);
        foreach (WorkerConnection connection in idle)
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }

        await _hostGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            _host = null;
        }
        finally
        {
            _hostGate.Release();
        }
    }

    private WorkerConnection? TakeIdle()
    {
        lock (_idle)
        {
            while (_idle.Count > 0)
            {
                WorkerConnection last = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                if (!IsExpired(last))
                {
                    return last;
                }

                Log.WorkerExpired(_settings.Logger, last.ProcessId);
                _ = last.CloseAsync().AsTask();
            }

            return null;
        }
    }

    private bool IsExpired(WorkerConnection connection) =>
        _settings.TimeProvider.GetElapsedTime(connection.IdleSinceTimestamp) >= _settings.IdleTimeout;

    // Each idle worker expires on its own deadline; the timer only decides how often deadlines are checked.
    private void SweepExpired()
    {
        List<WorkerConnection>? expired = null;
        lock (_idle)
        {
            for (int i = _idle.Count - 1; i >= 0; i--)
            {
                if (IsExpired(_idle[i]))
                {
                    (expired ??= []).Add(_idle[i]);
                    _idle.RemoveAt(i);
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (WorkerConnection connection in expired)
        {
            Log.WorkerExpired(_settings.Logger, connection.ProcessId);
            _ = connection.CloseAsync().AsTask();
        }
    }

    private async Task<WorkerConnection> ConnectNewAsync(CancellationToken cancellationToken)
    {
        IWorkerHost host = await EnsureHostAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WorkerConnection.ConnectAsync(host, _settings.Token, _settings.BufferSize, _settings.ConnectTimeout, cancellationToken, _settings.SharedMemory).ConfigureAwait(false);
        }
        catch (DataBridgeException) when (host.HasExited && !cancellationToken.IsCancellationRequested)
        {
            // The daemon died under us (between runs): restart it transparently, once.
            host = await EnsureHostAsync(cancellationToken).ConfigureAwait(false);
            return await WorkerConnection.ConnectAsync(host, _settings.Token, _settings.BufferSize, _settings.ConnectTimeout, cancellationToken, _settings.SharedMemory).ConfigureAwait(false);
        }
    }

    private async Task<IWorkerHost> EnsureHostAsync(CancellationToken cancellationToken)
    {
        await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_host is { HasExited: false } alive)
            {
                return alive;
            }

            if (_host is not null)
            {
                Telemetry.DaemonRestarts.Add(1);
                Log.DaemonRestart(_settings.Logger, (_host as PythonDaemon)?.ProcessId ?? 0, (_host as PythonDaemon)?.ExitCode is int code ? $"exit code {code}" : "exit code unknown");
                if (_host is IAsyncDisposable old)
                {
                    await old.DisposeAsync().ConfigureAwait(false);
                }

                _host = null;
            }

            _host = await _startHost(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _hostStarts);
            return _host;
        }
        finally
        {
            _hostGate.Release();
        }
    }
}
