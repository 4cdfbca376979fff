using Microsoft.Extensions.Logging;

namespace DataBridge.TestHost;

/// <summary>Writes each log message as one flushed line on stdout.</summary>
internal sealed class ConsoleLineLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Console.Out.WriteLine(formatter(state, exception));
        Console.Out.Flush();
    }
}
