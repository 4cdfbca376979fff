using System.Diagnostics;

namespace DataBridge.Tests.Ipc;

/// <summary>Locates ../shared/arrow-interop (gold files, fuzz corpus, the node oracle) or skips the test saying why.</summary>
internal static class SharedInterop
{
    public static string Root
    {
        get
        {
            for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "..", "shared", "arrow-interop");
                if (Directory.Exists(Path.Combine(candidate, "gold")))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            Assert.Ignore("../shared/arrow-interop is absent: gold and fuzz files are not available.");
            return string.Empty;
        }
    }

    public static IEnumerable<string> GoldStreams() =>
        Directory.EnumerateFiles(Path.Combine(Root, "gold"), "*.stream", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>Runs the node oracle; returns (exit code, output). Skips when node or its modules are missing.</summary>
    public static (int ExitCode, string Output) Node(params string[] args)
    {
        string tools = Path.Combine(Root, "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules")))
        {
            Assert.Ignore("The oracle's node_modules are not installed (npm ci in ../shared/arrow-interop/tools).");
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = tools, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("node is not installed.");
            throw;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
