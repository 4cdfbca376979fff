using System.Globalization;
using DataBridge.Cli.Commands;
using DataBridge.Tests.Servers;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Cli;

/// <summary>
/// <c>databridge run</c>'s progress when stderr is not a terminal: a <c>progress:</c> line every five seconds of
/// the injected clock, none with <c>--quiet</c>. Every clock here is fake: nothing depends on how fast the machine is.
/// </summary>
public class ProgressTests
{
    [Test]
    public void Reporter_RedirectedStderr_WritesALineEachIntervalOfTheFakeClock()
    {
        var clock = new FakeTimeProvider();
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        using (var progress = new ProgressReporter(stderr, ProgressMode.Lines, clock))
        {
            progress.Report(1000, 500);
            Assert.That(stderr.ToString(), Is.Empty, "no line before the first interval");
            clock.Advance(ProgressReporter.LineInterval);
            progress.Report(3000, 2000);
            clock.Advance(ProgressReporter.LineInterval);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        clock.Advance(ProgressReporter.LineInterval);
        Assert.That(Lines(stderr), Is.EqualTo(new[]
        {
            "progress: 1,000 rows sent, 500 received, 5 s, 200 rows/s",
            "progress: 3,000 rows sent, 2,000 received, 10 s, 300 rows/s",
        }), "one line per interval, none after the run ended");
    }

    [Test]
    public void Reporter_Off_WritesNothing()
    {
        var clock = new FakeTimeProvider();
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        using (var progress = new ProgressReporter(stderr, ProgressMode.Off, clock))
        {
            for (int i = 0; i < 5; i++)
            {
                clock.Advance(ProgressReporter.LineInterval);
                progress.Report(i * 100, i * 10);
            }
        }

        Assert.That(stderr.ToString(), Is.Empty);
    }

    [Test]
    public void ModeFor_AWriterThatIsNotTheConsole_IsLines_OrOffWhenQuiet()
    {
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(ProgressReporter.ModeFor(stderr, quiet: false), Is.EqualTo(ProgressMode.Lines));
            Assert.That(ProgressReporter.ModeFor(stderr, quiet: true), Is.EqualTo(ProgressMode.Off));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public void Run_RedirectedStderr_PrintsProgressLinesWithRowsElapsedAndRate()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        CliResult r = Tool.Run(new SteppingClock(), Arguments(files));
        Assert.That(r.ExitCode, Is.Zero, r.StdErr);
        string[] progress = [.. Lines(r.StdErr).Where(l => l.StartsWith("progress: ", StringComparison.Ordinal))];
        Assert.That(progress, Is.Not.Empty, r.StdErr);
        Assert.That(progress, Has.All.Match(@"^progress: [\d,]+ rows sent, [\d,]+ received, \d+ s, [\d,]+ rows/s$"));
        Assert.That(progress[^1], Does.StartWith("progress: 200 rows sent"));
    }

    [Test]
    [CancelAfter(180_000)]
    public void Run_Quiet_PrintsNoProgressLine()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        CliResult r = Tool.Run(new SteppingClock(), [.. Arguments(files), "--quiet"]);
        Assert.That(r.ExitCode, Is.Zero, r.StdErr);
        Assert.That(r.StdErr, Does.Not.Contain("progress"));
    }

    private static string[] Arguments(TempFiles files)
    {
        string script = files.TempPath(".py");
        File.WriteAllText(script, "data_manager.set_output(data_manager.fetch_once_as_batches())\n");
        string input = Path.Combine(Interop.Oracle.RepoRoot!, "samples", "data", "orders.csv");
        return ["run", "--input", input, "--script", script, "--output", files.TempPath(".csv"), "--python", PythonEnvironment.Interpreter];
    }

    private static string[] Lines(StringWriter writer) => Lines(writer.ToString());

    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A clock that moves one progress interval each time it is read and whose timers never fire: every batch finds a line due.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;

        public override DateTimeOffset GetUtcNow() =>
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Add(ref _ticks, ProgressReporter.LineInterval.Ticks));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverFires();

        private sealed class NeverFires : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
