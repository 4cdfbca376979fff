using System.Globalization;

namespace DataBridge.Cli.Commands;

/// <summary>
/// <c>databridge run</c>'s progress on stderr: rows sent and received, elapsed time and rate. On a terminal one
/// self-overwriting line, refreshed every 200 ms; otherwise (a pipe, a log file) a <c>progress:</c> line every
/// <see cref="LineInterval"/>, so long runs show that they move without filling a log. Off with <c>--quiet</c>.
/// </summary>
/// <remarks>
/// A line is due when the interval has passed since the last one. Two things ask: each batch sent or received
/// (<see cref="Report"/>) and a timer of the same period, so that a run busy in Python for a minute still shows
/// its elapsed time. Both the timer and "now" come from the <see cref="TimeProvider"/>, so tests drive it with a
/// fake clock. Writes take the lock on the writer, as the run's logger does: they come from several threads.
/// </remarks>
internal sealed class ProgressReporter : IDisposable
{
    /// <summary>How often a line is written when stderr is not a terminal.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the terminal's line is refreshed.</summary>
    public static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(200);

    private const int TerminalWidth = 78;

    private readonly TextWriter _stderr;
    private readonly ProgressMode _mode;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly DateTimeOffset _start;
    private readonly ITimer? _timer;
    private DateTimeOffset _last;
    private long _rowsIn;
    private long _rowsOut;
    private bool _done;

    /// <summary>Starts the clock (and the timer, unless <paramref name="mode"/> is <see cref="ProgressMode.Off"/>).</summary>
    public ProgressReporter(TextWriter stderr, ProgressMode mode, TimeProvider time)
    {
        _stderr = stderr;
        _mode = mode;
        _time = time;
        _interval = mode == ProgressMode.Terminal ? TerminalInterval : LineInterval;
        _start = _last = time.GetUtcNow();
        if (mode != ProgressMode.Off)
        {
            _timer = time.CreateTimer(static state => ((ProgressReporter)state!).WriteIfDue(), this, _interval, _interval);
        }
    }

    /// <summary>The mode for <paramref name="stderr"/>: a terminal only when it is the console's own, not redirected.</summary>
    public static ProgressMode ModeFor(TextWriter stderr, bool quiet) =>
        quiet ? ProgressMode.Off
        : ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? ProgressMode.Terminal
        : ProgressMode.Lines;

    /// <summary>The rows sent to Python and received from it so far; writes a line if one is due.</summary>
    public void Report(long rowsIn, long rowsOut)
    {
        Interlocked.Exchange(ref _rowsIn, rowsIn);
        Interlocked.Exchange(ref _rowsOut, rowsOut);
        WriteIfDue();
    }

    /// <summary>Stops the lines; on a terminal, clears the last one.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_stderr)
        {
            if (_mode == ProgressMode.Terminal && !_done && _last != _start)
            {
                _stderr.Write('\r' + new string(' ', TerminalWidth) + '\r');
            }

            _done = true;
        }
    }

    private void WriteIfDue()
    {
        if (_mode == ProgressMode.Off)
        {
            return;
        }

        lock (_stderr)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_done || now - _last < _interval)
            {
                return;
            }

            _last = now;
            string status = Describe(Interlocked.Read(ref _rowsIn), Interlocked.Read(ref _rowsOut), now - _start);
            if (_mode == ProgressMode.Terminal)
            {
                _stderr.Write($"\r{status,-TerminalWidth}");
            }
            else
            {
                _stderr.WriteLine($"progress: {status}");
            }
        }
    }

    /// <summary>E.g. <c>131,072 rows sent, 65,536 received, 10 s, 13,107 rows/s</c> (the rate of rows sent).</summary>
    internal static string Describe(long rowsIn, long rowsOut, TimeSpan elapsed)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        return string.Create(CultureInfo.InvariantCulture, $"{rowsIn:N0} rows sent, {rowsOut:N0} received, {elapsed.TotalSeconds:F0} s, {rowsIn / seconds:N0} rows/s");
    }
}
