using System.Globalization;
using DataBridge.Cli;
using DataBridge.Tests.Servers;

namespace DataBridge.Tests.Cli;

/// <summary>Runs <see cref="CommandLineTool"/> (the DataBridge.Cli assembly) in-process and captures its output.</summary>
internal static class Tool
{
    /// <summary>Runs a command line on a clock that never moves: no progress line, however slow the machine.</summary>
    public static CliResult Run(params string[] args) => Run(new FakeTimeProvider(), args);

    /// <summary>Runs a command line with <paramref name="time"/> pacing the progress lines.</summary>
    public static CliResult Run(TimeProvider time, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int exit = CommandLineTool.Run(args, stdout, stderr, time);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts a clean refusal: exit 1 and exactly one stderr line, starting <c>error:</c>.</summary>
    public static void AssertCleanError(CliResult result)
    {
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.StdErr);
            Assert.That(lines, Has.Length.EqualTo(1), result.StdErr);
            Assert.That(result.StdErr, Does.StartWith("error:"));
        });
    }

    /// <summary>A fresh temporary file path (deleted by <see cref="TempFiles.Dispose"/>).</summary>
    public static string TempPath(this TempFiles files, string extension) => files.Add(Path.Combine(Path.GetTempPath(), $"databridge-test-{Guid.NewGuid():N}{extension}"));
}

/// <summary>Exit code and output of one command.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Temporary files deleted at the end of a test.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly List<string> _paths = [];

    public string Add(string path)
    {
        _paths.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (string path in _paths)
        {
            File.Delete(path);
        }
    }
}
