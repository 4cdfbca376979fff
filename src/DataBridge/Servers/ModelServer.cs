using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using DataBridge.Internal;
using DataBridge.Protocol;

namespace DataBridge.Servers;

/// <summary>
/// Serves a file or a directory tree (a model) to any process that has the server's token (docs/protocol.md,
/// section 3): a manifest of relative paths with sizes and SHA-256 checksums, then each file streamed on
/// request. <c>data_manager.fetch_model(target_dir)</c> downloads the whole manifest and verifies every
/// checksum.
/// </summary>
/// <remarks>
/// The manifest is computed when the server starts; only the files it lists can be requested (a request
/// naming any other path is refused, so nothing outside the tree is reachable). A file changed afterwards is
/// detected by the client's checksum. The server closes itself after
/// <see cref="ServerOptions.ServerIdleTimeout"/> without a connection, and on disposal.
/// </remarks>
public sealed class ModelServer : IAsyncDisposable, IRequestHandler
{
    private const int ChunkSize = 256 * 1024;

    private readonly Dictionary<string, (ModelFile File, string FullPath)> _files;
    private readonly SecretToken _token = SecretToken.Create();
    private readonly ServerOptions _options;
    private readonly SocketServer _server;

    private ModelServer(IReadOnlyList<(ModelFile File, string FullPath)> files, ServerOptions options)
    {
        _options = options;
        Files = [.. files.Select(f => f.File)];
        _files = files.ToDictionary(f => f.File.Path, StringComparer.Ordinal);
        Host = ServerEndpoints.AdvertisedHost(options);
        _server = new SocketServer("Model", this, _token.Ascii, options);
    }

    /// <summary>The host clients connect to (see <see cref="ServerOptions.AdvertisedHost"/>).</summary>
    public string Host { get; }

    /// <summary>The port the server listens on (chosen by the system).</summary>
    public int Port => _server.Port;

    /// <summary>The secret every connection must present (64 hex characters); each server has its own.</summary>
    public string Token => _token.Hex;

    /// <summary>The manifest: every file served, in path order.</summary>
    public IReadOnlyList<ModelFile> Files { get; }

    /// <summary>Completes when the server has closed (idle timeout or disposal).</summary>
    public Task Completion => _server.Completion;

    /// <summary>Whether the server is closing or closed.</summary>
    public bool IsClosed => _server.IsClosed;

    /// <summary>The socket layer (tests inspect its connections).</summary>
    internal SocketServer Socket => _server;

    /// <summary>Hashes the files under <paramref name="path"/> and starts serving them.</summary>
    /// <param name="path">A file, or a directory whose files (recursively, hidden ones included) are served.</param>
    /// <param name="options">The settings, or null for the defaults; validated and copied.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">An invalid setting.</exception>
    public static ModelServer Start(string path, ServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ServerOptions();
        options.Validate();
        var files = new List<(ModelFile, string)>();
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            files.Add((Describe(Path.GetFileName(full), full), full));
        }
        else if (Directory.Exists(full))
        {
            var enumeration = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.None, IgnoreInaccessible = false };
            foreach (string file in Directory.EnumerateFiles(full, "*", enumeration).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(full, file).Replace(Path.DirectorySeparatorChar, '/');
                files.Add((Describe(relative, file), file));
            }
        }
        else
        {
            throw new FileNotFoundException($"No file or directory to serve at '{full}'.", full);
        }

        var server = new ModelServer(files, options.Clone());
        server._server.Start();
        return server;
    }

    /// <summary>Closes the server, dropping its connections and freeing its port.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The run-header entry <c>model_server</c>: <c>{"host", "port", "token"}</c>.</summary>
    internal string EndpointJson() => ServerEndpoints.Json(Host, Port, Token, null);

    async ValueTask IRequestHandler.HandleAsync(ServerConnection connection, string op, JsonElement request, CancellationToken cancellationToken)
    {
        switch (op)
        {
            case "manifest":
                await connection.WriteResponseAsync(WriteManifest, cancellationToken).ConfigureAwait(false);
                await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                break;
            case "file":
                string path = request.TryGetProperty("path", out JsonElement p) && p.ValueKind == JsonValueKind.String
                    ? p.GetString()!
                    : throw new ServerRequestException("Malformed request: \"path\" must be a string.");
                if (!_files.TryGetValue(path, out (ModelFile File, string FullPath) entry))
                {
                    throw new ServerRequestException("No such file in the manifest.");
                }

                await SendFileAsync(connection, entry.File, entry.FullPath, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ServerRequestException("Unknown op (the model server knows manifest and file).");
        }
    }

    // RESPONSE {"path", "size", "sha256"}, the bytes as data chunks, END_OF_DATA. A file whose size changed
    // since the manifest cannot be framed truthfully: ERROR (the connection closes).
    private async ValueTask SendFileAsync(ServerConnection connection, ModelFile file, string fullPath, CancellationToken cancellationToken)
    {
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await connection.WriteResponseAsync(
                json =>
                {
                    json.WriteString("path", file.Path);
                    json.WriteNumber("size", file.Size);
                    json.WriteString("sha256", file.Sha256);
                },
                cancellationToken).ConfigureAwait(false);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                long sent = 0;
                while (sent < file.Size)
                {
                    int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, file.Size - sent)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    await connection.Writer.WriteDataAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    sent += read;
                }

                if (sent != file.Size || stream.Length != file.Size)
                {
                    throw new ServerRequestException($"The file {file.Path} changed on disk since the server started.");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        await connection.Writer.WriteControlAsync(FrameCode.EndOfData, cancellationToken).ConfigureAwait(false);
        await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        ServerLog.FileSent(_options.Logger, Port, file.Path, file.Size, connection.Remote);
    }

    private void WriteManifest(Utf8JsonWriter json)
    {
        json.WriteStartArray("files");
        foreach (ModelFile file in Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteNumber("size", file.Size);
            json.WriteString("sha256", file.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static ModelFile Describe(string relative, string fullPath)
    {
        using FileStream stream = File.OpenRead(fullPath);
        byte[] hash = SHA256.HashData(stream);
        return new ModelFile(relative, stream.Length, Convert.ToHexString(hash).ToLowerInvariant());
    }
}
