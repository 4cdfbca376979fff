using System.Diagnostics;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Access to the shared Arrow interop material (<c>&lt;repo&gt;/../shared/arrow-interop</c>: gold streams,
/// fuzz corpus and the apache-arrow JS oracle) and to node. Tests call <see cref="RequireInterop"/> /
/// <see cref="RequireOracle"/>, which ignore the test, saying why, when something is absent.
/// </summary>
internal static class Oracle
{
    private static readonly Lazy<string?> NodeVersion = new(() => TryRun("node", ["--version"], null, TimeSpan.FromSeconds(30))?.StdOut.Trim());

    /// <summary>The folder holding DataBridge.sln, found by walking up from the test assembly.</summary>
    public static string? RepoRoot
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DataBridge.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }

    /// <summary><c>&lt;repo&gt;/../shared/arrow-interop</c> when it exists.</summary>
    public static string? InteropDirectory
    {
        get
        {
            string? root = RepoRoot;
            if (root is null)
            {
                return null;
            }

            string dir = Path.GetFullPath(Path.Combine(root, "..", "shared", "arrow-interop"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    /// <summary>The shared interop folder, or ignores the test.</summary>
    public static string RequireInterop()
    {
        string? dir = InteropDirectory;
        if (dir is null)
        {
            Assert.Ignore("../shared/arrow-interop is absent next to the repository: no gold files, fuzz corpus or oracle.");
        }

        return dir!;
    }

    /// <summary>Ensures node runs; ignores the test otherwise.</summary>
    public static void RequireNode()
    {
        if (string.IsNullOrEmpty(NodeVersion.Value))
        {
            Assert.Ignore("node is not on PATH: the apache-arrow JS oracle cannot run.");
        }
    }

    /// <summary>The oracle's tools folder (with its node_modules), or ignores the test.</summary>
    public static string RequireOracle()
    {
        string tools = Path.Combine(RequireInterop(), "tools");
        RequireNode();
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "apache-arrow")))
        {
            Assert.Ignore($"{tools}/node_modules is missing: run `npm ci` there (.ci/run does).");
        }

        return tools;
    }

    /// <summary>Runs <c>node tools/compare.mjs expected actual [options]</c>.</summary>
    public static ProcessResult Compare(string expected, string actual, params string[] options)
    {
        string tools = RequireOracle();
        return Run("node", [Path.Combine(tools, "compare.mjs"), expected, actual, .. options], tools);
    }

    /// <summary>Runs <c>node tools/read.mjs args</c>.</summary>
    public static ProcessResult Read(params string[] args)
    {
        string tools = RequireOracle();
        return Run("node", [Path.Combine(tools, "read.mjs"), .. args], tools);
    }

    /// <summary>Asserts that the oracle finds <paramref name="expected"/> and <paramref name="actual"/> equal.</summary>
    public static void AssertEqual(string expected, string actual, params string[] options)
    {
        ProcessResult result = Compare(expected, actual, options);
        Assert.That(result.ExitCode == 0 && result.StdOut.StartsWith("EQUAL", StringComparison.Ordinal), Is.True,
            $"compare.mjs {expected} {actual} exited {result.ExitCode}:\n{Truncate(result.StdOut)}\n{Truncate(result.StdErr)}");
    }

    /// <summary>Files matching <paramref name="pattern"/> under gold/ and gold/versions/*, relative to gold/.</summary>
    public static IEnumerable<string> GoldFiles(string pattern)
    {
        string? dir = InteropDirectory;
        if (dir is null)
        {
            return [];
        }

        string gold = Path.Combine(dir, "gold");
        return Directory.EnumerateFiles(gold, pattern, SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(gold, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Runs a process to completion (killed after <paramref name="timeout"/>, default 2 minutes).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout = null) =>
        TryRun(fileName, args, workingDirectory, timeout ?? TimeSpan.FromMinutes(2))
        ?? throw new InvalidOperationException($"{fileName} could not be started.");

    private static ProcessResult? TryRun(string fileName, IEnumerable<string> args, string? workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}.");
            }

            return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string Truncate(string text) => text.Length > 4000 ? text[..4000] + "..." : text;
}

/// <summary>Exit code and output of a finished process.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);
