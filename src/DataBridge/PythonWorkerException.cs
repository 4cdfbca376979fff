namespace DataBridge;

/// <summary>
/// The Python code of a run raised an exception. The worker reported it in a structured frame, finished the
/// run cleanly and stays reusable; the run's output is discarded.
/// </summary>
public class PythonWorkerException : DataBridgeException
{
    /// <summary>Creates the exception.</summary>
    public PythonWorkerException()
    {
        PythonType = string.Empty;
        PythonMessage = string.Empty;
        PythonTraceback = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public PythonWorkerException(string message)
        : base(message)
    {
        PythonType = string.Empty;
        PythonMessage = message;
        PythonTraceback = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PythonWorkerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        PythonType = string.Empty;
        PythonMessage = message;
        PythonTraceback = string.Empty;
    }

    /// <summary>Creates the exception from what the worker reported.</summary>
    /// <param name="pythonType">The exception's qualified Python type name, e.g. <c>ValueError</c>.</param>
    /// <param name="pythonMessage"><c>str(exception)</c>.</param>
    /// <param name="pythonTraceback">The formatted Python traceback.</param>
    public PythonWorkerException(string pythonType, string pythonMessage, string pythonTraceback)
        : base($"Python code raised {pythonType}: {pythonMessage}")
    {
        PythonType = pythonType ?? string.Empty;
        PythonMessage = pythonMessage ?? string.Empty;
        PythonTraceback = pythonTraceback ?? string.Empty;
    }

    /// <summary>The Python exception's type name, e.g. <c>ValueError</c> or <c>MemoryError</c>.</summary>
    public string PythonType { get; }

    /// <summary>The Python exception's message (<c>str(exception)</c>).</summary>
    public string PythonMessage { get; }

    /// <summary>The Python traceback, as Python formats it.</summary>
    public string PythonTraceback { get; }

    /// <summary>
    /// The last lines (at most 20, each cut to 1,000 characters) the code printed or logged before it raised
    /// (<c>print</c>, <c>sys.stderr</c> marked <c>[stderr]</c>, <c>data_manager.log</c> marked <c>[log]</c>), one per
    /// line; empty when it printed nothing. Kept whether or not a logger is configured.
    /// </summary>
    public string OutputTail { get; internal set; } = string.Empty;

    /// <inheritdoc />
    public override string ToString()
    {
        string text = PythonTraceback.Length == 0 ? base.ToString() : base.ToString() + Environment.NewLine + "Python traceback:" + Environment.NewLine + PythonTraceback;
        return OutputTail.Length == 0 ? text : text + Environment.NewLine + "Last output of the Python code:" + Environment.NewLine + OutputTail;
    }
}
