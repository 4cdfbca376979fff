using DataBridge.Internal;
using DataBridge.Protocol;
using DataBridge.Workers;

namespace DataBridge;

/// <summary>
/// Runs Python code over Arrow record batches in pooled Python worker processes. One bridge owns one daemon
/// (forked lazily on the first run, restarted if it dies) and up to <see cref="PythonBridgeOptions.MaxWorkers"/>
/// workers, reused across runs. Thread-safe: runs may be issued concurrently.
/// </summary>
/// <remarks>
/// <para>In Python the code sees <c>data_manager</c>: <c>fetch_once()</c> yields the input (a pandas
/// DataFrame per batch, or column objects without pandas), <c>set_output(...)</c> sets the output,
/// <c>conf</c> holds the <see cref="RunContext"/>, and <c>print</c> / <c>data_manager.log</c> go to
/// <see cref="PythonBridgeOptions.Logger"/> tagged with the run's GroupId and Owner.</para>
/// <para>Failures: <see cref="PythonWorkerException"/> when the code raised (the worker stays usable);
/// <see cref="WorkerCrashedException"/> when the worker died (exit code or signal and its stderr tail);
/// <see cref="DataBridgeException"/> for protocol and transport failures;
/// <see cref="OperationCanceledException"/> when the token was cancelled (the worker is killed at once);
/// the caller's own exception when its input enumeration threw.</para>
/// <para>Disposing closes the daemon's stdin: it kills its workers and exits; if the .NET process dies the
/// same happens, so no Python process outlives it.</para>
/// </remarks>
public sealed partial class PythonBridge : IAsyncDisposable, IDisposable
{
    private readonly PythonBridgeOptions _options;
    private readonly BridgeLoggers _loggers;
    private readonly SecretToken _token = SecretToken.Create();
    private readonly WorkerPool _pool;
    private int _disposed;
    private CheckedCode? _lastCode;

    /// <summary>Creates a bridge with the default options.</summary>
    public PythonBridge()
        : this(new PythonBridgeOptions())
    {
    }

    /// <summary>Creates a bridge. No process starts until the first run.</summary>
    /// <param name="options">The settings; validated and copied.</param>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it).</exception>
    public PythonBridge(PythonBridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _loggers = BridgeLoggers.From(_options);
        var settings = new WorkerPoolSettings(
            _options.MaxWorkers,
            _options.ReuseWorkers,
            _options.WorkerIdleTimeout,
            _options.ConnectTimeout,
            _options.BufferSize,
            _token,
            _options.TimeProvider,
            _loggers.Workers,
            new Workers.SharedMemory.SharedMemorySettings(_options.SharedMemory, Workers.SharedMemory.SharedMemorySettings.RegionBytesFor(_options), _loggers.Workers));
        _pool = new WorkerPool(settings, StartDaemonAsync);
    }

    /// <summary>The options in effect (a copy of those given; do not modify).</summary>
    internal PythonBridgeOptions Options => _options;

    /// <summary>The worker pool (tests and benchmarks inspect it).</summary>
    internal WorkerPool Pool => _pool;

    /// <summary>
    /// Stops every worker and the daemon, blocking until they are stopped (at most a few seconds; prefer
    /// <see cref="DisposeAsync"/> where you can await). For containers disposed synchronously
    /// (<c>ServiceProvider.Dispose()</c>). Runs still in progress fail.
    /// </summary>
    public void Dispose()
    {
        // Every await of the disposal path uses ConfigureAwait(false), so blocking here cannot deadlock on a
        // synchronization context.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Stops every worker and the daemon. Runs still in progress fail.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Servers first (PythonBridge.Servers.cs): their clients may be this bridge's workers.
        await DisposeServersAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IWorkerHost> StartDaemonAsync(CancellationToken cancellationToken)
    {
        string packageRoot = EmbeddedPackage.EnsureExtracted();
        var info = new DaemonStartInfo(
            _options.PythonExecutable,
            new Dictionary<string, string>(_options.Environment, StringComparer.Ordinal),
            packageRoot,
            _token,
            _options.WorkerMemoryLimitMb,
            _options.StartTimeout,
            _loggers.Daemon)
        {
            RequirePandas = _options.RequirePandas,
            InterpreterHint = _options.InterpreterHint,
            Transport = _options.WorkerTransport,
        };
        return await PythonDaemon.StartAsync(info, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The interpreter the daemon runs and its numpy/pandas versions, as the daemon reported them when it started;
    /// null before the daemon started (the first run, or <see cref="WarmUpAsync"/>). The daemon also logs them at
    /// Information (event 100).
    /// </summary>
    public PythonInterpreterInfo? Interpreter => (_pool.Host as PythonDaemon)?.Interpreter;

    /// <summary>
    /// Starts the daemon (if not running) and forks one worker, which stays idle for the next run (when
    /// <see cref="PythonBridgeOptions.ReuseWorkers"/> is on), so that a missing or unusable interpreter, or one
    /// without pandas when <see cref="PythonBridgeOptions.RequirePandas"/> is set, fails here instead of at the first run.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The interpreter and what it has.</returns>
    /// <exception cref="DataBridgeException">The interpreter could not be started, is unusable or lacks pandas (the message names it and how to choose another).</exception>
    public async Task<PythonInterpreterInfo> WarmUpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        WorkerLease lease = await _pool.AcquireAsync(cancellationToken).ConfigureAwait(false);
        PythonInterpreterInfo? info = (lease.Connection.Host as PythonDaemon)?.Interpreter;
        await lease.ReturnAsync(reusable: true).ConfigureAwait(false);
        return info ?? throw new InvalidOperationException("The bridge's worker host reported no interpreter.");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    // Checks the code's size and hashes it. The last code string checked is remembered (by reference), so the
    // usual pattern — the same code run again and again — hashes it once, not once per layer per run.
    private string CheckCode(string code, out string hash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        if (Volatile.Read(ref _lastCode) is { } last && ReferenceEquals(last.Code, code))
        {
            hash = last.Hash;
            return code;
        }

        hash = CodeHash.Compute(code, out int length);
        if (length > ProtocolConstants.MaxControlFrameBytes - 4096)
        {
            throw new ArgumentException($"The code text is {length} bytes of UTF-8; the limit is 64 MiB.", nameof(code));
        }

        Volatile.Write(ref _lastCode, new CheckedCode(code, hash));
        return code;
    }

    private sealed record CheckedCode(string Code, string Hash);
}
