namespace DataBridge;

/// <summary>
/// Arrow input is well-formed but uses a feature this implementation does not support (for example
/// compressed bodies, big-endian bodies, view types or run-end encoding). <see cref="Feature"/> names it.
/// </summary>
public class UnsupportedArrowFeatureException : ArrowFormatException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedArrowFeatureException()
    {
        Feature = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedArrowFeatureException(string message)
        : base(message)
    {
        Feature = string.Empty;
    }

    /// <summary>Creates the exception for a named feature.</summary>
    public UnsupportedArrowFeatureException(string feature, string message)
        : base(message)
    {
        Feature = feature;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnsupportedArrowFeatureException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Feature = string.Empty;
    }

    /// <summary>The unsupported feature, e.g. <c>compression:LZ4_FRAME</c>, <c>type:Utf8View</c>, <c>endianness:Big</c>.</summary>
    public string Feature { get; }
}
