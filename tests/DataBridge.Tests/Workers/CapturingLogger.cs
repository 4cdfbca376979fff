using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DataBridge.Tests.Workers;

/// <summary>An ILogger that keeps every entry with its event id, its state's named values and the active scope's.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly AsyncLocal<object?> _scope = new();
    private readonly List<(Func<Entry, bool> Match, TaskCompletionSource<Entry> Logged)> _waiters = [];

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        object? previous = _scope.Value;
        _scope.Value = state;
        return new Restore(() => _scope.Value = previous);
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new Dictionary<string, object?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                values[pair.Key] = pair.Value;
            }
        }

        var scope = new Dictionary<string, object?>();
        if (_scope.Value is IEnumerable<KeyValuePair<string, object?>> scopePairs)
        {
            foreach (KeyValuePair<string, object?> pair in scopePairs)
            {
                scope[pair.Key] = pair.Value;
            }
        }

        var entry = new Entry(logLevel, eventId, formatter(state, exception), values, scope) { ScopeText = _scope.Value?.ToString() };
        lock (_waiters)
        {
            Entries.Enqueue(entry);
            foreach ((Func<Entry, bool> match, TaskCompletionSource<Entry> logged) in _waiters.Where(w => w.Match(entry)).ToList())
            {
                _waiters.Remove((match, logged));
                logged.TrySetResult(entry);
            }
        }
    }

    /// <summary>The first entry, logged already or later, that <paramref name="match"/> accepts.</summary>
    public Task<Entry> WhenLogged(Func<Entry, bool> match)
    {
        lock (_waiters)
        {
            if (Entries.FirstOrDefault(match) is { } entry)
            {
                return Task.FromResult(entry);
            }

            var logged = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, logged));
            return logged.Task;
        }
    }

    internal sealed record Entry(LogLevel Level, EventId EventId, string Message, Dictionary<string, object?> State, Dictionary<string, object?> Scope)
    {
        /// <summary>The active scope as a text logger prints it (its ToString), or null without a scope.</summary>
        public string? ScopeText { get; init; }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
