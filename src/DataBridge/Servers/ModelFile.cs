namespace DataBridge.Servers;

/// <summary>One file a <see cref="ModelServer"/> serves: an entry of its manifest.</summary>
/// <param name="Path">The path relative to the served directory, <c>/</c>-separated (the file name when a single file is served).</param>
/// <param name="Size">The size in bytes when the server started.</param>
/// <param name="Sha256">The SHA-256 of the content when the server started, lowercase hex.</param>
public sealed record ModelFile(string Path, long Size, string Sha256);
