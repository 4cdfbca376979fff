using Microsoft.Extensions.Logging;

namespace DataBridge.Cli.Commands;

/// <summary>
/// The bridge's log as lines on stderr (<c>warning: …</c>), from <paramref name="minimum"/> up: warnings by
/// default (a script that never set its output, a restarted daemon), everything from Information with
/// <c>--verbose</c> (which Python runs, the script's prints). One lock: runs log from several threads.
/// </summary>
internal sealed class StderrLogger(TextWriter stderr, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // 105 (the daemon could not start) is the exception the command prints anyway.
        if (!IsEnabled(logLevel) || eventId.Id == 105)
        {
            return;
        }

        string level = logLevel switch
        {
            LogLevel.Warning => "warning",
            LogLevel.Error or LogLevel.Critical => "error",
            _ => "info",
        };
        lock (stderr)
        {
            stderr.WriteLine($"{level}: {formatter(state, exception)}");
        }
    }
}
