using System.Globalization;
using DataBridge.Cli;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 2, acceptance 3: every input of Arrow's IPC fuzz corpus ends quickly, with exit 0 (valid input) or
/// a clean <c>error:</c> line and exit 1 — never an internal error, a hang or unbounded allocation.
/// </summary>
public class FuzzCorpusTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Bytes one command may allocate on one fuzz input (the inputs are at most a few KiB).</summary>
    private const long AllocationBudget = 256L << 20;

    public static IEnumerable<TestCaseData> FuzzFiles()
    {
        string? dir = Oracle.InteropDirectory;
        string[] files = dir is null ? [] : [.. Directory.EnumerateFiles(Path.Combine(dir, "fuzz"))
            .Select(Path.GetFileName)
            .Where(n => n is not ("LIST.tsv" or "SURVEY.tsv"))
            .Order(StringComparer.Ordinal)!];
        if (files.Length == 0)
        {
            yield return new TestCaseData("(fuzz corpus absent)").SetArgDisplayNames("fuzz-absent");
            yield break;
        }

        foreach (string file in files)
        {
            yield return new TestCaseData(file).SetArgDisplayNames(file);
        }
    }

    [TestCaseSource(nameof(FuzzFiles))]
    public void ToJsonAndInspect_FuzzInput_EndCleanlyInBoundedTimeAndMemory(string name)
    {
        string path = Path.Combine(Oracle.RequireInterop(), "fuzz", name);
        foreach (string command in new[] { "to-json", "inspect" })
        {
            (int exit, string stderr, long allocated) = RunIsolated(["arrow", command, path]);
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(0).Or.EqualTo(1), $"{command}: {stderr}");
                Assert.That(allocated, Is.LessThan(AllocationBudget), $"{command} allocated {allocated} bytes");
                if (exit == 1)
                {
                    Assert.That(stderr, Does.StartWith("error:"));
                    Assert.That(stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), stderr);
                }
            });
        }
    }

    /// <summary>Runs the tool on its own thread, with a deadline, measuring that thread's allocations.</summary>
    private static (int Exit, string StdErr, long Allocated) RunIsolated(string[] args)
    {
        int exit = -1;
        long allocated = 0;
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                // The JSON itself is discarded: what matters is how the input ends.
                exit = CommandLineTool.Run(args, TextWriter.Null, stderr);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                crash = e;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        })
        {
            IsBackground = true,
        };
        thread.Start();
        if (!thread.Join(Deadline))
        {
            Assert.Fail($"{string.Join(' ', args)} did not end within {Deadline.TotalSeconds} s");
        }

        Assert.That(crash, Is.Null, $"CommandLineTool.Run threw: {crash}");
        return (exit, stderr.ToString(), allocated);
    }
}
