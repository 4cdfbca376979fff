using System.Globalization;

namespace DataBridge.Frames;

/// <summary>
/// A CSV input is malformed: an unclosed or misplaced quote, a record with the wrong number of fields, a
/// value that does not parse as its column's type, or a null in a non-nullable column.
/// <see cref="LineNumber"/> is the 1-based physical line where the bad record starts (the header is line 1).
/// </summary>
/// <remarks>It derives from <see cref="DataBridgeException"/>, like <see cref="ArrowFormatException"/>: bad input data, saying where.</remarks>
public class CsvFormatException : DataBridgeException
{
    /// <summary>Creates the exception.</summary>
    public CsvFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CsvFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a line (and column), the message saying both.</summary>
    /// <param name="lineNumber">The 1-based line where the bad record starts.</param>
    /// <param name="column">The column's name, or null when the record as a whole is bad.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public CsvFormatException(long lineNumber, string? column, string problem, Exception? innerException = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"CSV line {lineNumber}{(column is null ? string.Empty : $", column '{column}'")}: {problem}."), innerException)
    {
        LineNumber = lineNumber;
        Column = column;
    }

    /// <summary>The 1-based line where the bad record starts; 0 when unknown.</summary>
    public long LineNumber { get; }

    /// <summary>The column whose value is bad, or null.</summary>
    public string? Column { get; }
}
