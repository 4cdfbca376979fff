using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DataBridge.Internal;
using DataBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

/// <summary>
/// One <c>python -m data_manager._daemon</c> process (docs/protocol.md, section 1): exec'ed directly (no
/// shell) with the embedded package on PYTHONPATH and the token in its environment; it reports its port
/// through a one-shot callback connection, forks a worker per connection, takes <c>kill &lt;pid&gt;</c>
/// commands on stdin and reports worker ends as JSON lines on stdout. Closing its stdin (our death
/// included) makes it kill its whole process group.
/// </summary>
internal sealed class PythonDaemon : IWorkerHost, IAsyncDisposable
{
    private const int StderrTailChars = 8192;

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<WorkerExit?>> _exits = new();
    private readonly SemaphoreSlim _stdinGate = new(1, 1);
    private readonly StringBuilder _stderrTail = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private int _disposed;

    private PythonDaemon(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        ProcessId = process.Id;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The daemon's pid.</summary>
    public int ProcessId { get; }

    /// <inheritdoc />
    public EndPoint WorkerEndPoint { get; private set; } = new IPEndPoint(IPAddress.Loopback, 0);

    /// <summary>What the daemon said about itself in its HELLO.</summary>
    public DaemonHello? Hello { get; private set; }

    /// <summary>The interpreter and its numpy/pandas, from the HELLO (set once started).</summary>
    public PythonInterpreterInfo? Interpreter { get; private set; }

    /// <inheritdoc />
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>The daemon's exit code once it has exited, else null.</summary>
    public int? ExitCode => HasExited ? SafeExitCode() : null;

    /// <summary>
    /// Starts a daemon and waits (up to the connect timeout) for its HELLO on a callback listener. On any
    /// failure the process is killed and a <see cref="DataBridgeException"/> carries its stderr tail.
    /// </summary>
    public static async Task<PythonDaemon> StartAsync(DaemonStartInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        // A backlog, not 1: strangers racing for the port must not keep the daemon's own callback out of it.
        listener.Start(ProtocolConstants.MaxPendingHandshakes);
        int callbackPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        info.CallbackListening?.Invoke(callbackPort);

        ProcessStartInfo psi = CreateStartInfo(info, callbackPort);
        var process = new Process { StartInfo = psi };
        try
        {
            if (!process.Start())
            {
                throw new DataBridgeException($"The Python interpreter '{info.PythonExecutable}' could not be started. {info.InterpreterHint}");
            }
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            var missing = new DataBridgeException($"The Python interpreter '{info.PythonExecutable}' could not be started: {DescribeMissing(info.PythonExecutable, ex)}. {info.InterpreterHint}", ex);
            Log.DaemonStartFailed(info.Logger, missing, info.PythonExecutable);
            throw missing;
        }

        var daemon = new PythonDaemon(process, info.Logger);
        try
        {
            await daemon.AwaitHelloAsync(listener, info, cancellationToken).ConfigureAwait(false);
            DaemonHello hello = daemon.Hello!;
            daemon.Interpreter = new PythonInterpreterInfo(info.PythonExecutable, hello.Executable, hello.PythonVersion, hello.NumpyVersion, hello.PandasVersion, hello.NumpyError, hello.PandasError);
            if (hello.TransportNote is { } note)
            {
                Log.DaemonTransportFallback(info.Logger, daemon.ProcessId, note);
            }

            Log.DaemonStarted(info.Logger, daemon.ProcessId, Describe(daemon.WorkerEndPoint), hello.PythonVersion, daemon.Interpreter.Path, info.PythonExecutable, hello.NumpyVersion ?? "absent", hello.PandasVersion ?? "absent");
            if (info.RequirePandas && hello.PandasVersion is null)
            {
                PythonInterpreterInfo python = daemon.Interpreter;
                throw new RequirementException(
                    $"pandas is required (RequirePandas) but the Python interpreter {python.Path} (Python {python.Version}) cannot import it: {python.PandasAbsence}. " +
                    $"Install pandas into that interpreter ({python.Path} -m pip install pandas), or {Uncapitalize(info.InterpreterHint)}");
            }

            return daemon;
        }
        catch (Exception ex)
        {
            daemon.Kill();
            string tail = await daemon.StderrTailAfterExitAsync().ConfigureAwait(false);
            await daemon.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (ex is RequirementException)
            {
                var unmet = new DataBridgeException(ex.Message);
                Log.DaemonStartFailed(info.Logger, unmet, info.PythonExecutable);
                throw unmet;
            }

            string reason = ex is OperationCanceledException
                ? $"did not report its port within {info.StartTimeout.TotalSeconds:0.#} s (StartTimeout; raise it on a slow or busy machine)"
                : ex.Message;
            var failure = new DataBridgeException(
                $"The Python daemon ({info.PythonExecutable} -m data_manager._daemon) failed to start: {reason}. Check that '{info.PythonExecutable}' is a Python 3.9 or later; {Uncapitalize(info.InterpreterHint)}" +
                (tail.Length > 0 ? $"{Environment.NewLine}daemon stderr:{Environment.NewLine}{tail}" : string.Empty), ex);
            Log.DaemonStartFailed(info.Logger, failure, info.PythonExecutable);
            throw failure;
        }
    }

    /// <inheritdoc />
    public async ValueTask KillWorkerAsync(int processId)
    {
        if (HasExited || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stdinGate.WaitAsync().ConfigureAwait(false);
        try
        {
            StreamWriter stdin = _process.StandardInput;
            await stdin.WriteAsync("kill " + processId.ToString(CultureInfo.InvariantCulture) + "\n").ConfigureAwait(false);
            await stdin.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The daemon is gone; with it went its process group, the worker included.
            Log.WorkerDiscarded(_logger, processId, "kill request not delivered: " + ex.Message);
        }
        finally
        {
            _stdinGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<WorkerExit?> WaitForWorkerExitAsync(int processId, TimeSpan timeout)
    {
        TaskCompletionSource<WorkerExit?> exit = ExitSlot(processId);
        if (_stdoutPump.IsCompleted)
        {
            // The daemon's stdout is closed: a report not received by now will never come.
            exit.TrySetResult(null);
        }

        try
        {
            return await exit.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            // A slot still pending stays: the report may come after this wait gave up, and a second wait (after
            // a kill) must find it. Pending slots end with the report or with the daemon's stdout.
            if (exit.Task.IsCompleted)
            {
                _exits.TryRemove(processId, out _);
            }
        }
    }

    /// <summary>
    /// Stops the daemon: closes its stdin (it then kills its process group and exits), waits up to two
    /// seconds, then kills it and whatever is left of its tree.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stdinGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            Log.DaemonOutput(_logger, ProcessId, "stdin", "close failed: " + ex.Message);
        }
        finally
        {
            _stdinGate.Release();
        }

        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.DaemonOutput(_logger, ProcessId, "pumps", "output pumps did not end within 2 s");
        }

        foreach (TaskCompletionSource<WorkerExit?> pending in _exits.Values)
        {
            pending.TrySetResult(null);
        }

        // _stdinGate is deliberately not disposed: a kill request racing with this disposal must find it
        // usable (it then sees the closed stdin and gives up quietly). It holds no unmanaged resource.
        Log.DaemonStopped(_logger, ProcessId);
        _process.Dispose();
    }

    /// <summary>Kills the daemon and its process tree immediately.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            Log.DaemonOutput(_logger, ProcessId, "kill", ex.Message);
        }
    }

    /// <summary>The last lines the daemon wrote to its stderr.</summary>
    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return _stderrTail.ToString();
        }
    }

    // Says which of the two usual reasons it is: a path that is not there, or a name not found on PATH.
    private static string DescribeMissing(string executable, Win32Exception ex)
    {
        bool isPath = executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || executable.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal);
        if (isPath && !File.Exists(executable))
        {
            return "no such file";
        }

        if (!isPath && PythonLocator.FindOnPath(executable) is null)
        {
            return "not found on PATH";
        }

        return ex.Message;
    }

    /// <summary>How a log line or an error names where the workers are reached.</summary>
    internal static string Describe(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint unix => $"unix:{unix}",
        IPEndPoint ip => $"127.0.0.1:{ip.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    // The daemon's answer, held to what was asked: a Unix-domain socket path (absolute, no NUL) or a TCP port.
    private static EndPoint WorkerEndPointOf(DaemonHello hello, WorkerTransport asked)
    {
        if (hello.UnixSocketPath is { } path)
        {
            if (asked == WorkerTransport.Tcp || !Path.IsPathFullyQualified(path) || path.Contains('\0', StringComparison.Ordinal))
            {
                throw new DataBridgeException($"the daemon reported an invalid Unix-domain socket path '{path}'");
            }

            return new UnixDomainSocketEndPoint(path);
        }

        if (asked == WorkerTransport.UnixSocket)
        {
            throw new DataBridgeException("the daemon listens on TCP although WorkerTransport is UnixSocket");
        }

        if (hello.Port is <= 0 or > 65535)
        {
            throw new DataBridgeException($"the daemon reported an invalid port {hello.Port}");
        }

        return new IPEndPoint(IPAddress.Loopback, hello.Port);
    }

    private static string Uncapitalize(string text) => text.Length > 0 && char.IsUpper(text[0]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    /// <summary>A requirement of the options the started daemon does not meet (its message is the error's).</summary>
    private sealed class RequirementException(string message) : Exception(message);

    private static ProcessStartInfo CreateStartInfo(DaemonStartInfo info, int callbackPort)
    {
        var psi = new ProcessStartInfo(info.PythonExecutable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add("-m");
        psi.ArgumentList.Add("data_manager._daemon");

        string? inheritedPath = psi.Environment.TryGetValue("PYTHONPATH", out string? p) ? p : null;
        foreach (KeyValuePair<string, string> entry in info.Environment)
        {
            psi.Environment[entry.Key] = entry.Value;
        }

        string? userPath = info.Environment.TryGetValue("PYTHONPATH", out string? up) ? up : inheritedPath;
        psi.Environment["PYTHONPATH"] = string.IsNullOrEmpty(userPath)
            ? info.PackageRoot
            : info.PackageRoot + Path.PathSeparator + userPath;
        psi.Environment[ProtocolConstants.EnvToken] = info.Token.Hex;
        psi.Environment[ProtocolConstants.EnvCallbackPort] = callbackPort.ToString(CultureInfo.InvariantCulture);
        psi.Environment[ProtocolConstants.EnvMemoryLimitMb] = info.MemoryLimitMb.ToString(CultureInfo.InvariantCulture);
        psi.Environment[ProtocolConstants.EnvWorkerTransport] = info.Transport switch
        {
            WorkerTransport.UnixSocket => "unix",
            WorkerTransport.Tcp => "tcp",
            _ => "auto",
        };
        return psi;
    }

    // The callback listener is a port on 127.0.0.1 that any local process can reach, so whoever connects first
    // may be a stranger: every connection is read on its own (a 4 KiB reader, a HELLO of at most 64 KiB, at most
    // MaxPendingHandshakes at once, the oldest closed for a newer one), and only one that presents this bridge's
    // token is the daemon. The others are closed without a byte and logged; none of them fails the start or
    // delays the daemon's own callback. The whole wait ends at StartTimeout or when the daemon exits.
    private async Task AwaitHelloAsync(TcpListener listener, DaemonStartInfo info, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(info.StartTimeout);

        // Wait for the callback or for the daemon's death, whichever comes first: a daemon that fails to import
        // fails the start at once instead of after the whole timeout.
        Task exited = _process.WaitForExitAsync(deadline.Token);
        Task<TcpClient> accept = listener.AcceptTcpClientAsync(deadline.Token).AsTask();
        var callers = new List<(TcpClient Client, Task<DaemonHello?> Hello)>();
        try
        {
            while (true)
            {
                Task done = await Task.WhenAny([exited, accept, .. callers.Select(c => (Task)c.Hello)]).ConfigureAwait(false);
                if (done == exited)
                {
                    await exited.ConfigureAwait(false);
                    throw new DataBridgeException($"the daemon exited with code {SafeExitCode()} before reporting its port");
                }

                if (done == accept)
                {
                    TcpClient client = await accept.ConfigureAwait(false);
                    if (callers.Count >= ProtocolConstants.MaxPendingHandshakes)
                    {
                        callers[0].Client.Dispose(); // its read ends; its task completes with null
                        callers.RemoveAt(0);
                    }

                    callers.Add((client, ReadHelloAsync(client, info.Token, deadline.Token)));
                    accept = listener.AcceptTcpClientAsync(deadline.Token).AsTask();
                    continue;
                }

                int index = callers.FindIndex(c => c.Hello == done);
                (TcpClient caller, Task<DaemonHello?> read) = callers[index];
                callers.RemoveAt(index);
                caller.Dispose();
                DaemonHello? hello = await read.ConfigureAwait(false);
                if (hello is null)
                {
                    Log.CallbackStranger(info.Logger, callers.Count);
                    continue;
                }

                if (hello.Protocol != ProtocolConstants.Version)
                {
                    throw new DataBridgeException($"the daemon speaks protocol version {hello.Protocol}, this bridge speaks {ProtocolConstants.Version}");
                }

                Hello = hello;
                WorkerEndPoint = WorkerEndPointOf(hello, info.Transport);
                return;
            }
        }
        finally
        {
            foreach ((TcpClient client, _) in callers)
            {
                client.Dispose();
            }

            // Ends the accept and the pending reads (they never fault: ReadHelloAsync turns failures into null).
            await deadline.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(callers.Select(c => (Task)c.Hello)).ConfigureAwait(false);
            try
            {
                await accept.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Cancelled above, as intended.
            }
        }
    }

    // One callback connection: its HELLO when it is the daemon's (right token), else null (a stranger, a broken
    // or slow connection). Never throws: a failure of one caller is not the start's failure.
    //   HELLO = int32 code (HELLO) | int32 length | JSON {token, port, pid, python, protocol, numpy, pandas}
    private static async Task<DaemonHello?> ReadHelloAsync(TcpClient client, SecretToken token, CancellationToken cancellationToken)
    {
        try
        {
            var reader = new FrameReader(client.GetStream(), 4096);
            int code = await reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (code != FrameCode.Hello)
            {
                return null;
            }

            DaemonHello hello = ProtocolJson.ParseHello(await reader.ReadPayloadAsync(code, 64 * 1024, cancellationToken).ConfigureAwait(false));
            return token.Matches(hello.Token) ? hello : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    private async Task<string> StderrTailAfterExitAsync()
    {
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.DaemonOutput(_logger, ProcessId, "stderr", "stderr did not end within 2 s");
        }

        return StderrTail();
    }

    private int? SafeExitCode()
    {
        try
        {
            return _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private TaskCompletionSource<WorkerExit?> ExitSlot(int processId)
    {
        if (_exits.Count > 1024)
        {
            // Reports nobody asked for (workers that ended cleanly) must not accumulate forever.
            foreach (KeyValuePair<int, TaskCompletionSource<WorkerExit?>> entry in _exits)
            {
                if (entry.Value.Task.IsCompleted)
                {
                    _exits.TryRemove(entry.Key, out _);
                }
            }
        }

        return _exits.GetOrAdd(processId, static _ => new TaskCompletionSource<WorkerExit?>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            StreamReader stdout = _process.StandardOutput;
            while (await stdout.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith('{') && TryHandleEvent(line))
                {
                    continue;
                }

                if (line.Length > 0)
                {
                    Log.DaemonOutput(_logger, ProcessId, "stdout", line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log.DaemonOutput(_logger, ProcessId, "stdout", "read failed: " + ex.Message);
        }
        finally
        {
            // No more reports can come: whoever waits for one gets null now rather than after a timeout.
            foreach (TaskCompletionSource<WorkerExit?> pending in _exits.Values)
            {
                pending.TrySetResult(null);
            }
        }
    }

    private bool TryHandleEvent(string line)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("event", out JsonElement kind))
            {
                return false;
            }

            switch (kind.GetString())
            {
                case "exit":
                    int pid = root.GetProperty("pid").GetInt32();
                    var exit = new WorkerExit(
                        pid,
                        OptionalInt(root, "exit_code"),
                        OptionalInt(root, "signal"),
                        root.TryGetProperty("stderr_tail", out JsonElement tail) && tail.ValueKind == JsonValueKind.String ? tail.GetString() ?? string.Empty : string.Empty);
                    ExitSlot(pid).TrySetResult(exit);
                    return true;
                case "log":
                    string level = root.TryGetProperty("level", out JsonElement l) ? l.GetString() ?? "info" : "info";
                    string message = root.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? string.Empty : string.Empty;
                    Log.DaemonMessage(_logger, LevelOf(level), ProcessId, message);
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return false;
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            StreamReader stderr = _process.StandardError;
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Append(line).Append('\n');
                    if (_stderrTail.Length > StderrTailChars)
                    {
                        _stderrTail.Remove(0, _stderrTail.Length - StderrTailChars);
                    }
                }

                Log.DaemonOutput(_logger, ProcessId, "stderr", line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log.DaemonOutput(_logger, ProcessId, "stderr", "read failed: " + ex.Message);
        }
    }

    private static int? OptionalInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    /// <summary>Maps a Python level name to a <see cref="LogLevel"/>.</summary>
    internal static LogLevel LevelOf(string level) => level switch
    {
        "debug" => LogLevel.Debug,
        "warning" or "warn" => LogLevel.Warning,
        "error" or "critical" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
