namespace DataBridge;

/// <summary>
/// Arrow input is malformed: the message says what is wrong and where (message index, field path, buffer).
/// </summary>
public class ArrowFormatException : DataBridgeException
{
    /// <summary>Creates the exception.</summary>
    public ArrowFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ArrowFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ArrowFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
