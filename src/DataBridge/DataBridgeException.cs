namespace DataBridge;

/// <summary>
/// The base of DataBridge's exceptions: transport, protocol and data-format failures. Caller mistakes
/// raise the usual BCL exceptions (<see cref="ArgumentException"/> and friends) instead.
/// </summary>
public class DataBridgeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataBridgeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DataBridgeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DataBridgeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether retrying the same operation may succeed (e.g. a worker crashed, a connection dropped).</summary>
    public virtual bool IsTransient => false;
}
