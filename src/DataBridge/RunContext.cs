using System.Collections;

namespace DataBridge;

/// <summary>
/// The context of one run, seen in Python as <c>data_manager.conf</c>: <see cref="Home"/> (<c>HOME</c>),
/// <see cref="Owner"/> (<c>OWNER</c>), <see cref="GroupId"/> (<c>GROUP_ID</c>) and any other string keys.
/// It travels with every run, so a reused worker never sees a previous run's context.
/// </summary>
/// <example><code>new RunContext { Owner = "etl", GroupId = "nightly-42", ["region"] = "eu" }</code></example>
public sealed class RunContext : IEnumerable<KeyValuePair<string, string>>
{
    /// <summary>The key of <see cref="Home"/>.</summary>
    public const string HomeKey = "HOME";

    /// <summary>The key of <see cref="Owner"/>.</summary>
    public const string OwnerKey = "OWNER";

    /// <summary>The key of <see cref="GroupId"/>.</summary>
    public const string GroupIdKey = "GROUP_ID";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private PandasDecimals _pandasDecimals;

    /// <summary>The run's home directory (<c>HOME</c>), or null.</summary>
    public string? Home
    {
        get => this[HomeKey];
        set => this[HomeKey] = value;
    }

    /// <summary>Who runs this (<c>OWNER</c>), or null; tags the run's log lines.</summary>
    public string? Owner
    {
        get => this[OwnerKey];
        set => this[OwnerKey] = value;
    }

    /// <summary>The job or group this run belongs to (<c>GROUP_ID</c>), or null; tags the run's log lines.</summary>
    public string? GroupId
    {
        get => this[GroupIdKey];
        set => this[GroupIdKey] = value;
    }

    /// <summary>
    /// The name Python tracebacks give the code (e.g. the script's file name, <c>jobs/enrich.py</c>), instead of
    /// <c>&lt;databridge-HASH&gt;</c>; null for that default. One line of at most 256 characters (a longer or
    /// multi-line name is ignored). Not part of the context sent as <c>data_manager.conf</c>.
    /// </summary>
    public string? CodeName { get; set; }

    /// <summary>
    /// How decimal columns reach pandas in <c>fetch_once()</c>: <see cref="DataBridge.PandasDecimals.Exact"/>
    /// (the default, <c>decimal.Decimal</c> objects), <see cref="DataBridge.PandasDecimals.Float64"/> or
    /// <see cref="DataBridge.PandasDecimals.ScaledInt64"/>. Not part of the context sent as <c>data_manager.conf</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of the enum's members.</exception>
    public PandasDecimals PandasDecimals
    {
        get => _pandasDecimals;
        set => _pandasDecimals = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "PandasDecimals must be Exact, Float64 or ScaledInt64.");
    }

    /// <summary>
    /// Receives the call's progress (rows and bytes each way, partitions done) as batches move; null for none.
    /// Not part of the context sent to Python.
    /// </summary>
    public IProgress<RunProgress>? Progress { get; set; }

    /// <summary>Number of keys set.</summary>
    public int Count => _values.Count;

    /// <summary>The value of <paramref name="key"/>, or null when absent. Setting null removes the key.</summary>
    public string? this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return _values.TryGetValue(key, out string? value) ? value : null;
        }

        set
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            if (value is null)
            {
                _values.Remove(key);
            }
            else
            {
                _values[key] = value;
            }
        }
    }

    /// <summary>Sets a key (collection-initializer support).</summary>
    public void Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        this[key] = value;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>An immutable snapshot for one run's header.</summary>
    internal Dictionary<string, string> Snapshot() => new(_values, StringComparer.Ordinal);

    /// <summary>The run header's <c>pandas_options</c> (keyword options of the worker's Arrow → pandas conversion), or null for the defaults.</summary>
    internal Dictionary<string, string>? PandasOptions() => _pandasDecimals switch
    {
        PandasDecimals.Float64 => new(StringComparer.Ordinal) { ["decimals"] = "float64" },
        PandasDecimals.ScaledInt64 => new(StringComparer.Ordinal) { ["decimals"] = "scaled_int64" },
        _ => null,
    };
}
