using System.Diagnostics;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 4, acceptance 5: a .NET process using a bridge is killed with SIGKILL mid-run (no cleanup code runs);
/// within five seconds neither its daemon nor its worker nor a subprocess its user code started may remain
/// (issue 13, item 5: the worker leads its own process group, which the daemon kills on its way out).
/// </summary>
[TestFixture]
[CancelAfter(90_000)]
public sealed class NoOrphansTests
{
    [Test]
    public async Task HostKilledWithSigKillMidRun_DaemonWorkerAndUserSubprocessAreGoneWithinFiveSeconds()
    {
        PythonEnvironment.RequireWorkers();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Process-group and parent-death cleanup is checked through /proc on Linux.");
        }

        string hostDll = Path.Combine(AppContext.BaseDirectory, "DataBridge.TestHost.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(hostDll);
        psi.ArgumentList.Add(PythonEnvironment.Interpreter);
        using Process host = Process.Start(psi)!;
        int workerPid;
        int daemonPid;
        int spinnerPid;
        try
        {
            (workerPid, daemonPid, spinnerPid) = await ReadPidsAsync(host).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(IsAlive(workerPid) && IsAlive(daemonPid), Is.True, "both Python processes run before the kill");
        }
        finally
        {
            host.Kill(); // SIGKILL on Unix: the host gets no chance to dispose its bridge.
            await host.WaitForExitAsync();
        }

        var clock = Stopwatch.StartNew();
        while ((IsAlive(workerPid) || IsAlive(daemonPid) || IsAlive(spinnerPid)) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }

        Assert.That(IsAlive(daemonPid), Is.False, $"daemon {daemonPid} outlived its host");
        Assert.That(IsAlive(workerPid), Is.False, $"worker {workerPid} outlived its host");
        Assert.That(IsAlive(spinnerPid), Is.False, $"the user code's subprocess {spinnerPid} outlived its host");
    }

    private static async Task<(int Worker, int Daemon, int Spinner)> ReadPidsAsync(Process host)
    {
        while (await host.StandardOutput.ReadLineAsync() is { } line)
        {
            int at = line.IndexOf("PIDS ", StringComparison.Ordinal);
            if (at >= 0)
            {
                string[] parts = line[(at + 5)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        Assert.Fail("The test host ended without reporting the Python pids: " + await host.StandardError.ReadToEndAsync());
        return default;
    }

    // A zombie (state Z) or a missing /proc entry is a dead process.
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z' && stat[close + 2] != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
