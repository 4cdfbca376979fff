using System.Text;
using DataBridge.Protocol;

namespace DataBridge.Internal;

/// <summary>
/// The last lines a run's Python code printed or logged (<c>print</c>, <c>sys.stderr</c>, <c>data_manager.log</c>),
/// kept whether or not a logger is configured, so that a failed run's exception can show them. Bounded: at most
/// <see cref="MaxLines"/> lines of at most <see cref="MaxLineChars"/> characters each. Thread-safe (LOG frames
/// arrive on the reading side while a failure may be classified on another).
/// </summary>
internal sealed class OutputTail
{
    /// <summary>How many lines are kept.</summary>
    public const int MaxLines = 20;

    /// <summary>How many characters of one line are kept (a longer one ends with <c>…</c>).</summary>
    public const int MaxLineChars = 1000;

    private readonly Queue<string> _lines = new();

    /// <summary>Keeps one record, dropping the oldest beyond <see cref="MaxLines"/>.</summary>
    public void Add(LogRecord record)
    {
        string message = record.Message.Length > MaxLineChars ? string.Concat(record.Message.AsSpan(0, MaxLineChars), "…") : record.Message;
        string line = record.Stream == "stdout" ? message : $"[{record.Stream}] {message}";
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    /// <summary>The kept lines, oldest first, one per line; empty when the code printed nothing.</summary>
    public override string ToString()
    {
        lock (_lines)
        {
            var text = new StringBuilder();
            foreach (string line in _lines)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }
}
