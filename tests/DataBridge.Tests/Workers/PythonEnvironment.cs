using System.Diagnostics;
using DataBridge.Internal;

namespace DataBridge.Tests.Workers;

/// <summary>
/// The real interpreter for end-to-end tests: <c>DATABRIDGE_PYTHON</c>, else <c>/usr/bin/python3</c>. Tests call
/// <see cref="RequireWorkers"/> (and <see cref="RequirePandas"/>) first, which skip with the reason when the
/// interpreter or the embedded Python worker modules are missing.
/// </summary>
internal static class PythonEnvironment
{
    private static readonly Lazy<bool> PandasAvailable = new(() => Probe("import numpy, pandas"));

    public static string Interpreter { get; } =
        Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";

    public static void RequireWorkers()
    {
        if (!File.Exists(Interpreter) && PythonLocator.FindOnPath(Interpreter) is null)
        {
            Assert.Ignore($"No Python interpreter at '{Interpreter}' (set DATABRIDGE_PYTHON).");
        }

        foreach (string module in new[] { "data_manager/__init__.py", "data_manager/_daemon.py", "data_manager/_worker.py", "data_manager/_arrow/__init__.py" })
        {
            if (!EmbeddedPackage.Contains(module))
            {
                Assert.Ignore($"The embedded Python package lacks {module}: the Python worker side is not in this build.");
            }
        }
    }

    public static void RequirePandas()
    {
        RequireWorkers();
        if (!PandasAvailable.Value)
        {
            Assert.Ignore($"numpy/pandas are not importable by {Interpreter}.");
        }
    }

    /// <summary>What a test needs to start a daemon of its own (a fresh token, no memory limit, a 60 s start deadline).</summary>
    public static DataBridge.Workers.DaemonStartInfo DaemonStartInfo(WorkerTransport transport = WorkerTransport.Auto) => new(
        Interpreter,
        new Dictionary<string, string>(StringComparer.Ordinal),
        EmbeddedPackage.EnsureExtracted(),
        SecretToken.Create(),
        0,
        TimeSpan.FromSeconds(60),
        Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
    {
        Transport = transport,
    };

    public static PythonBridgeOptions Options(int maxWorkers = 2) => new()
    {
        PythonExecutable = Interpreter,
        MaxWorkers = maxWorkers,
        ConnectTimeout = TimeSpan.FromSeconds(20),
    };

    private static bool Probe(string statement)
    {
        try
        {
            var psi = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(statement);
            using Process process = Process.Start(psi)!;
            process.WaitForExit(30_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
