using System.Diagnostics.CodeAnalysis;

namespace DataBridge.Parquet.Internal;

/// <summary>Throw helpers, and the native library's messages made readable.</summary>
internal static class ParquetErrors
{
    [DoesNotReturn]
    public static void ThrowUnsupportedType(string path, string column, IArrowType type, string why) =>
        throw new UnsupportedArrowFeatureException(
            $"type:{type.Name}",
            
            $"Cannot write '{path}': column '{column}' has Arrow type {type.Name}, which Parquet cannot hold ({why}). Convert or drop the column first.");

    public static ParquetFormatException Read(string path, Exception inner, int? rowGroup = null) =>
        new(path, rowGroup is int g
            ? $"Cannot read row group {g} of '{path}': {NativeMessage(inner)}"
            : $"Cannot read '{path}' as Parquet: {NativeMessage(inner)}", inner);

    public static ParquetFormatException Write(string path, Exception inner) =>
        new(path, $"Cannot write '{path}': {NativeMessage(inner)}", inner);

    /// <summary>
    /// ParquetSharp renders C++ exceptions as <c>N7parquet22ParquetStatusExceptionE (message: 'IOError: ...')</c>;
    /// the quoted part is what a reader needs.
    /// </summary>
    public static string NativeMessage(Exception e)
    {
        Exception inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        string message = inner.Message;
        const string Marker = "(message: '";
        int start = message.IndexOf(Marker, StringComparison.Ordinal);
        if (start >= 0)
        {
            start += Marker.Length;
            int end = message.LastIndexOf("')", StringComparison.Ordinal);
            message = end > start ? message[start..end] : message[start..];
        }

        return message.Trim();
    }
}
