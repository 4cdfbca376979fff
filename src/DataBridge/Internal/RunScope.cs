using System.Collections;
using System.Globalization;

namespace DataBridge.Internal;

/// <summary>
/// The logging scope of one run's Python output: <c>GroupId</c>, <c>Owner</c>, <c>RunId</c> and <c>Partition</c>
/// as named values (structured loggers read them), and a readable <see cref="ToString"/> for text loggers such as
/// the console's, which print a scope by its string (a bare array printed as <c>KeyValuePair`2[]</c>).
/// </summary>
internal sealed class RunScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _values;
    private readonly string _text;

    public RunScope(string? groupId, string? owner, string runId, int partition)
    {
        _values = [new("GroupId", groupId), new("Owner", owner), new("RunId", runId), new("Partition", partition)];
        _text = string.Create(CultureInfo.InvariantCulture, $"run {runId} (partition {partition}, group {groupId ?? "-"}, owner {owner ?? "-"})");
    }

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public KeyValuePair<string, object?> this[int index] => _values[index];

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>For example <c>run 3f2a… (partition 0, group nightly-42, owner etl)</c>.</summary>
    public override string ToString() => _text;
}
