namespace DataBridge;

/// <summary>
/// The Python interpreter a bridge's daemon runs and what it has, as the daemon reported it when it started
/// (see <see cref="PythonBridge.WarmUpAsync"/> and <see cref="PythonBridge.Interpreter"/>).
/// </summary>
public sealed class PythonInterpreterInfo
{
    internal PythonInterpreterInfo(string executable, string path, string version, string? numpyVersion, string? pandasVersion, string? numpyAbsence, string? pandasAbsence)
    {
        Executable = executable;
        Path = path.Length > 0 ? path : executable;
        Version = version;
        NumpyVersion = numpyVersion;
        PandasVersion = pandasVersion;
        NumpyAbsence = numpyVersion is null ? numpyAbsence ?? "not importable" : null;
        PandasAbsence = pandasVersion is null ? pandasAbsence ?? "not importable" : null;
    }

    /// <summary>The interpreter as configured (<see cref="PythonBridgeOptions.PythonExecutable"/>: a path or a name on PATH).</summary>
    public string Executable { get; }

    /// <summary>The interpreter's own path (Python's <c>sys.executable</c>), e.g. <c>/usr/bin/python3</c>.</summary>
    public string Path { get; }

    /// <summary>The Python version, e.g. <c>3.11.2</c>.</summary>
    public string Version { get; }

    /// <summary>numpy's version, or null when numpy is absent (see <see cref="NumpyAbsence"/>).</summary>
    public string? NumpyVersion { get; }

    /// <summary>pandas' version, or null when pandas is absent (see <see cref="PandasAbsence"/>): the code then gets column objects instead of DataFrames.</summary>
    public string? PandasVersion { get; }

    /// <summary>Why numpy is absent (e.g. <c>ModuleNotFoundError: No module named 'numpy'</c>), or null when it is present.</summary>
    public string? NumpyAbsence { get; }

    /// <summary>Why pandas is absent, or null when it is present.</summary>
    public string? PandasAbsence { get; }

    /// <summary>For example <c>Python 3.11.2 at /usr/bin/python3 (numpy 1.24.2, pandas 1.5.3)</c> or <c>… (numpy absent, pandas absent)</c>.</summary>
    public override string ToString() =>
        $"Python {Version} at {Path} (numpy {NumpyVersion ?? "absent"}, pandas {PandasVersion ?? "absent"})";
}
