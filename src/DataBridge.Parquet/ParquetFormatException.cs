namespace DataBridge.Parquet;

/// <summary>
/// A file could not be read or written as Parquet: not a Parquet file, truncated, corrupt, or refused by the
/// Parquet library. The message names the file (and the row group when reading one failed); <see cref="Path"/>
/// holds it.
/// </summary>
public class ParquetFormatException : ArrowFormatException
{
    /// <summary>Creates the exception.</summary>
    public ParquetFormatException()
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public ParquetFormatException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ParquetFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception for a file, with a message and a cause.</summary>
    public ParquetFormatException(string path, string message, Exception? innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file that could not be read or written.</summary>
    public string Path { get; }
}
