using DataBridge.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataBridge;

/// <summary>
/// Settings of a <see cref="PythonBridge"/>. The bridge validates them when it is constructed (an
/// <see cref="ArgumentException"/> names the bad property) and keeps its own copy: changing the options
/// afterwards has no effect on it.
/// </summary>
public sealed class PythonBridgeOptions
{
    /// <summary>
    /// The Python interpreter to exec (a path, or a name looked up on PATH). Default: the
    /// <c>DATABRIDGE_PYTHON</c> environment variable, else <c>python3</c> found on PATH.
    /// </summary>
    public string PythonExecutable { get; set; } = PythonLocator.Default();

    /// <summary>The environment variable that sets the default of <see cref="WorkerTransport"/>: <c>auto</c>, <c>unix</c> or <c>tcp</c>.</summary>
    internal const string TransportVariable = "DATABRIDGE_TRANSPORT";

    // DATABRIDGE_TRANSPORT as it was when these options were made, and the explicit setting (null: none).
    private string? _transportVariable = System.Environment.GetEnvironmentVariable(TransportVariable);
    private WorkerTransport? _workerTransport;

    /// <summary>
    /// How the bridge reaches its workers: <see cref="WorkerTransport.Auto"/> (a Unix-domain socket where possible,
    /// else TCP on 127.0.0.1), <see cref="WorkerTransport.UnixSocket"/> or <see cref="WorkerTransport.Tcp"/>. Default:
    /// the <c>DATABRIDGE_TRANSPORT</c> environment variable (<c>auto</c>, <c>unix</c>, <c>tcp</c>), else Auto.
    /// Either way every connection presents the bridge's token.
    /// </summary>
    public WorkerTransport WorkerTransport
    {
        get => _workerTransport ?? ParseTransport(_transportVariable) ?? WorkerTransport.Auto;
        set => _workerTransport = value;
    }

    /// <summary>The environment variable that sets the default of <see cref="SharedMemory"/>: <c>auto</c>, <c>required</c> or <c>off</c>.</summary>
    internal const string SharedMemoryVariable = "DATABRIDGE_SHARED_MEMORY";

    private string? _sharedMemoryVariable = System.Environment.GetEnvironmentVariable(SharedMemoryVariable);
    private SharedMemoryMode? _sharedMemory;

    /// <summary>
    /// Whether record batches between the bridge and a local worker travel through shared memory (two regions per worker
    /// connection, passed over its Unix-domain socket) instead of through the socket: <see cref="SharedMemoryMode.Auto"/>
    /// (where available), <see cref="SharedMemoryMode.Required"/> or <see cref="SharedMemoryMode.Off"/>. Default: the
    /// <c>DATABRIDGE_SHARED_MEMORY</c> environment variable (<c>auto</c>, <c>required</c>, <c>off</c>), else Auto.
    /// Distributed tasks on other hosts always use sockets.
    /// </summary>
    public SharedMemoryMode SharedMemory
    {
        get => _sharedMemory ?? ParseSharedMemory(_sharedMemoryVariable) ?? SharedMemoryMode.Auto;
        set => _sharedMemory = value;
    }

    /// <summary>
    /// The size of each of a worker connection's two shared-memory regions (input and output). A run's input beyond it
    /// goes through the socket; the worker's output starts over at the region's start whenever the bridge has copied out
    /// all of it, and takes the socket only when it would not fit. Memory is only committed as it is written; an idle
    /// worker keeps what its largest run touched until it is retired (<see cref="WorkerIdleTimeout"/>). Capped at a sixteenth of
    /// <see cref="WorkerMemoryLimitMb"/> when that is set (both regions count against a worker's address-space limit). Default: 64 MiB; at least 1 MiB.
    /// </summary>
    public long SharedMemoryRegionBytes { get; set; } = 64L << 20;

    /// <summary>Extra environment variables of the daemon and its workers (e.g. <c>OMP_NUM_THREADS</c>). Default: none.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether a worker that ended its run cleanly serves later runs. Default: true.</summary>
    public bool ReuseWorkers { get; set; } = true;

    /// <summary>
    /// The address-space limit (<c>RLIMIT_AS</c>) of each worker in MiB; 0 = none (the default). numpy and
    /// pandas are imported by the daemon before forking, so the limit never makes their import fail.
    /// </summary>
    public int WorkerMemoryLimitMb { get; set; }

    /// <summary>
    /// The size of each connection's frame buffers: small writes are coalesced into one frame up to it, and reads
    /// smaller than it go through it. Default: 64 KiB; at least 4 KiB. The kernel's socket buffers are not set
    /// from it: they are left to TCP auto-tuning, which grows them to megabytes on a fast transfer.
    /// </summary>
    public int BufferSize { get; set; } = 64 * 1024;

    /// <summary>The most worker processes alive at once (busy and idle). Default: <see cref="System.Environment.ProcessorCount"/>.</summary>
    public int MaxWorkers { get; set; } = System.Environment.ProcessorCount;

    /// <summary>How long an idle worker is kept before it is closed (each worker on its own clock). Default: 1 minute.</summary>
    public TimeSpan WorkerIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deadline of connecting to a worker, its handshake and its liveness check. Default: 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Deadline of the daemon's start-up report: the interpreter's start and its imports of the preloaded modules
    /// (numpy and pandas take seconds on a busy machine). Default: 60 s.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Receives daemon and worker events and the output of Python code (tagged with each run's GroupId and Owner),
    /// all in one category. Default: none. Ignored when <see cref="LoggerFactory"/> is set.
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Creates one logger per component, so each has its own category: <c>DataBridge.Daemon</c> (events 1xx),
    /// <c>DataBridge.Workers</c> (2xx), <c>DataBridge.Runs</c> (3xx and worker crashes), <c>DataBridge.Python</c>
    /// (400, the output of the Python code) and <c>DataBridge.Servers</c> (5xx, the bridge's data and model servers).
    /// Default: null (everything goes to <see cref="Logger"/>). <c>AddDataBridge</c> sets it from the container.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The most rows in one Arrow batch, in both directions (input is re-sliced to respect it). Default: 65,536.</summary>
    public int MaxBatchRows { get; set; } = 65536;

    /// <summary>The most bytes (approximately) in one Arrow batch, in both directions; never above 2 GiB. Default: 64 MiB.</summary>
    public long MaxBatchBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The clock used for idle expiry and timings. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Whether the interpreter must have pandas: when it cannot import it, starting the daemon (the first run, or
    /// <see cref="PythonBridge.WarmUpAsync"/>) fails with a <see cref="DataBridgeException"/> naming the interpreter,
    /// the import error and how to choose another. Without it the code gets column objects instead of DataFrames and
    /// some output types differ (docs/type-mapping.md). Default: false.
    /// </summary>
    public bool RequirePandas { get; set; }

    /// <summary>The end of every interpreter-related error of the SDK: how to choose another interpreter.</summary>
    internal const string DefaultInterpreterHint = "Choose another with PythonBridgeOptions.PythonExecutable or the DATABRIDGE_PYTHON environment variable.";

    /// <summary>How to choose another interpreter, for errors; the CLI says <c>--python</c> instead.</summary>
    internal string InterpreterHint { get; set; } = DefaultInterpreterHint;

    /// <summary>
    /// Checks every setting, as the bridge's constructor does (configuration-bound options can be checked at start).
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid; <see cref="ArgumentException.ParamName"/> names the first bad one.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(PythonExecutable))
        {
            throw new ArgumentException("PythonExecutable must name an interpreter.", nameof(PythonExecutable));
        }

        foreach (KeyValuePair<string, string> entry in Environment)
        {
            if (string.IsNullOrEmpty(entry.Key) || entry.Key.Contains('=', StringComparison.Ordinal) || entry.Key.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Environment has an invalid variable name '{entry.Key}'.", nameof(Environment));
            }

            if (entry.Value is null || entry.Value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Environment variable '{entry.Key}' has an invalid value.", nameof(Environment));
            }

            if (entry.Key.StartsWith("DATABRIDGE_TOKEN", StringComparison.Ordinal) || entry.Key == "DATABRIDGE_CALLBACK_PORT")
            {
                throw new ArgumentException($"Environment must not set '{entry.Key}': the bridge sets it.", nameof(Environment));
            }
        }

        if (_workerTransport is null && ParseTransport(_transportVariable) is null)
        {
            throw new ArgumentException($"The {TransportVariable} environment variable must be auto, unix or tcp, not '{_transportVariable}'.", nameof(WorkerTransport));
        }

        if (!Enum.IsDefined(WorkerTransport))
        {
            throw new ArgumentException($"WorkerTransport must be Auto, UnixSocket or Tcp, not {(int)WorkerTransport}.", nameof(WorkerTransport));
        }

        if (_sharedMemory is null && ParseSharedMemory(_sharedMemoryVariable) is null)
        {
            throw new ArgumentException($"The {SharedMemoryVariable} environment variable must be auto, required or off, not '{_sharedMemoryVariable}'.", nameof(SharedMemory));
        }

        if (!Enum.IsDefined(SharedMemory))
        {
            throw new ArgumentException($"SharedMemory must be Auto, Required or Off, not {(int)SharedMemory}.", nameof(SharedMemory));
        }

        if (SharedMemoryRegionBytes < (1 << 20) || SharedMemoryRegionBytes > (1L << 40))
        {
            throw new ArgumentException($"SharedMemoryRegionBytes must be between 1 MiB and 1 TiB, not {SharedMemoryRegionBytes}.", nameof(SharedMemoryRegionBytes));
        }

        if (WorkerMemoryLimitMb < 0)
        {
            throw new ArgumentException($"WorkerMemoryLimitMb must be 0 (no limit) or positive, not {WorkerMemoryLimitMb}.", nameof(WorkerMemoryLimitMb));
        }

        if (BufferSize is < 4096 or > 64 * 1024 * 1024)
        {
            throw new ArgumentException($"BufferSize must be between 4 KiB and 64 MiB, not {BufferSize}.", nameof(BufferSize));
        }

        if (MaxWorkers < 1)
        {
            throw new ArgumentException($"MaxWorkers must be at least 1, not {MaxWorkers}.", nameof(MaxWorkers));
        }

        if (WorkerIdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"WorkerIdleTimeout must be positive, not {WorkerIdleTimeout}.", nameof(WorkerIdleTimeout));
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"ConnectTimeout must be positive (and at most a day), not {ConnectTimeout}.", nameof(ConnectTimeout));
        }

        if (StartTimeout <= TimeSpan.Zero || StartTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"StartTimeout must be positive (and at most a day), not {StartTimeout}.", nameof(StartTimeout));
        }

        if (Logger is null)
        {
            throw new ArgumentException("Logger must not be null (use NullLogger.Instance).", nameof(Logger));
        }

        if (MaxBatchRows < 1)
        {
            throw new ArgumentException($"MaxBatchRows must be at least 1, not {MaxBatchRows}.", nameof(MaxBatchRows));
        }

        if (MaxBatchBytes < 1024 || MaxBatchBytes > int.MaxValue)
        {
            throw new ArgumentException($"MaxBatchBytes must be between 1 KiB and 2 GiB, not {MaxBatchBytes}.", nameof(MaxBatchBytes));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider must not be null.", nameof(TimeProvider));
        }
    }

    // The transport a DATABRIDGE_TRANSPORT value names (unset or empty: Auto), or null for an invalid value.
    private static WorkerTransport? ParseTransport(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" or "AUTO" => WorkerTransport.Auto,
        "UNIX" => WorkerTransport.UnixSocket,
        "TCP" => WorkerTransport.Tcp,
        _ => null,
    };

    // The mode a DATABRIDGE_SHARED_MEMORY value names (unset or empty: Auto), or null for an invalid value.
    private static SharedMemoryMode? ParseSharedMemory(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" or "AUTO" => SharedMemoryMode.Auto,
        "REQUIRED" => SharedMemoryMode.Required,
        "OFF" => SharedMemoryMode.Off,
        _ => null,
    };

    /// <summary>A copy, so later changes by the caller do not reach a running bridge.</summary>
    internal PythonBridgeOptions Clone()
    {
        var copy = new PythonBridgeOptions
        {
            PythonExecutable = PythonExecutable,
            ReuseWorkers = ReuseWorkers,
            WorkerMemoryLimitMb = WorkerMemoryLimitMb,
            BufferSize = BufferSize,
            MaxWorkers = MaxWorkers,
            WorkerIdleTimeout = WorkerIdleTimeout,
            ConnectTimeout = ConnectTimeout,
            StartTimeout = StartTimeout,
            Logger = Logger,
            LoggerFactory = LoggerFactory,
            MaxBatchRows = MaxBatchRows,
            MaxBatchBytes = MaxBatchBytes,
            TimeProvider = TimeProvider,
            RequirePandas = RequirePandas,
            InterpreterHint = InterpreterHint,
            SharedMemoryRegionBytes = SharedMemoryRegionBytes,
        };
        copy._sharedMemoryVariable = _sharedMemoryVariable;
        copy._sharedMemory = _sharedMemory;
        copy._transportVariable = _transportVariable;
        copy._workerTransport = _workerTransport;

        foreach (KeyValuePair<string, string> entry in Environment)
        {
            copy.Environment[entry.Key] = entry.Value;
        }

        return copy;
    }
}
