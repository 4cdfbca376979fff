using System.Text.Json;

namespace DataBridge.Cli.Canonical;

/// <summary>Errors raised for canonical JSON that parses as JSON but does not describe Arrow data.</summary>
internal static class CanonicalJsonErrors
{
    /// <summary>A <see cref="JsonException"/> naming the JSON path of the offending element.</summary>
    public static JsonException Invalid(string path, string message) =>
        new($"Invalid canonical JSON at {path}: {message}.", path, null, null);
}
