using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DataBridge.Internal;

namespace DataBridge.Tests.Servers.MultiHost;

/// <summary>
/// A Dask cluster on a <see cref="TestNetwork"/>: <c>dask-scheduler</c> inside the scheduler host and one
/// single-threaded <c>dask-worker</c> (no nanny) inside each worker host, started with the embedded
/// <c>data_manager</c> package on their <c>PYTHONPATH</c> (as an installed package would be on real nodes).
/// Started means: the scheduler printed its address and every worker printed that it registered.
/// </summary>
internal sealed class DaskCluster : IAsyncDisposable
{
    /// <summary>The scheduler's port on its host.</summary>
    public const int SchedulerPort = 8786;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly List<(string Role, Process Process, ConcurrentQueue<string> Output)> _processes = [];
    private readonly string _directory;

    private DaskCluster(TestNetwork network)
    {
        Network = network;
        _directory = Directory.CreateTempSubdirectory("databridge-dask-").FullName;
    }

    /// <summary>The network the cluster runs on.</summary>
    public TestNetwork Network { get; }

    /// <summary>The scheduler's address, e.g. <c>tcp://10.187.4.2:8786</c>.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"tcp://{Network.Scheduler.Address}:{SchedulerPort}");

    /// <summary>The full paths of <c>dask-scheduler</c> and <c>dask-worker</c>, or null.</summary>
    public static (string? Scheduler, string? Worker) Commands { get; } = (PythonLocator.FindOnPath("dask-scheduler"), PythonLocator.FindOnPath("dask-worker"));

    /// <summary>Why no cluster can be started here, or null.</summary>
    public static string? Unavailable() =>
        Commands.Scheduler is null || Commands.Worker is null
            ? "dask-scheduler/dask-worker are not on PATH (Debian: apt-get install python3-distributed)."
            : null;

    /// <summary>Starts the scheduler, then a worker on every worker host, and waits until all have registered.</summary>
    /// <param name="network">The hosts.</param>
    /// <param name="schedulerConfig">Dask settings for the scheduler, as <c>DASK_*</c> environment variables, or null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<DaskCluster> StartAsync(TestNetwork network, IReadOnlyDictionary<string, string>? schedulerConfig, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var cluster = new DaskCluster(network);
        try
        {
            var environment = new Dictionary<string, string>(schedulerConfig ?? new Dictionary<string, string>())
            {
                ["PYTHONPATH"] = EmbeddedPackage.EnsureExtracted(),
                ["OMP_NUM_THREADS"] = "1",
            };
            string scheduler = network.Scheduler.Address.ToString();
            Task started = cluster.StartProcess(network.Scheduler, Commands.Scheduler!, ["--host", scheduler, "--port", SchedulerPort.ToString(CultureInfo.InvariantCulture), "--no-dashboard", "--idle-timeout", "1800"], environment, "Scheduler at:");
            await started.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);

            var registered = new List<Task>();
            foreach (TestNetwork.Host host in network.Workers)
            {
                string directory = Directory.CreateDirectory(Path.Combine(cluster._directory, host.Role)).FullName;
                registered.Add(cluster.StartProcess(
                    host,
                    Commands.Worker!,
                    [cluster.Address, "--host", host.Address.ToString(), "--name", host.Role, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--local-directory", directory, "--death-timeout", "120"],
                    environment,
                    "Registered to:"));
            }

            await Task.WhenAll(registered).WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string output = cluster.Output();
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the Dask cluster did not start: {e.Message}\n{output}", e);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The last lines each process printed, for a failure's report.</summary>
    public string Output() => string.Join('\n', _processes.Select(p => $"--- {p.Role} ---\n" + string.Join('\n', p.Output)));

    /// <summary>Kills every process of the cluster and removes its directories. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach ((_, Process process, _) in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone (a fault test killed it), or the network's disposal kills what is left.
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker still writing its spill directory: the temp cleaner gets it.
        }
    }

    // Starts one process; the task completes when a line containing the marker is printed, fails when it exits first.
    private Task StartProcess(TestNetwork.Host host, string command, string[] arguments, IReadOnlyDictionary<string, string> environment, string marker)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        Process process = Network.Start(host, command, arguments, environment);
        _processes.Add((host.Role, process, output));
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"{Path.GetFileName(command)} on {host.Role} ended before it was ready"));
                return;
            }

            output.Enqueue(e.Data);
            while (output.Count > 40 && output.TryDequeue(out _))
            {
            }

            if (e.Data.Contains(marker, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return ready.Task;
    }
}
