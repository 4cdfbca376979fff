using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace DataBridge.Internal;

/// <summary>
/// The <c>data_manager</c> Python package carried by this assembly as embedded resources (logical names
/// <c>data_manager/&lt;relative path&gt;</c>), extracted once per content hash to a cache directory that is put
/// on the daemon's <c>PYTHONPATH</c>. Extraction is atomic: files go to a private temporary directory
/// which is then renamed into place, so concurrent processes never see a half-written package.
/// </summary>
internal static class EmbeddedPackage
{
    private const string Prefix = "data_manager/";

    // data_manager_client is the import name Dask/Ray tasks use (docs/protocol.md section 3); it travels too.
    private const string ClientPrefix = "data_manager_client/";
    private static readonly object Gate = new();
    private static string? s_extractedRoot;

    /// <summary>The relative paths of the embedded files (e.g. <c>data_manager/_daemon.py</c>).</summary>
    public static IReadOnlyList<string> Files { get; } = LoadNames();

    /// <summary>Whether the embedded package holds <paramref name="relativePath"/> (e.g. <c>data_manager/_worker.py</c>).</summary>
    public static bool Contains(string relativePath) => Files.Contains(relativePath, StringComparer.Ordinal);

    /// <summary>
    /// The directory holding the extracted <c>data_manager</c> package (the one to put on PYTHONPATH),
    /// extracting it first if this content hash has not been extracted yet.
    /// </summary>
    public static string EnsureExtracted()
    {
        lock (Gate)
        {
            if (s_extractedRoot is not null && Directory.Exists(Path.Combine(s_extractedRoot, "data_manager")))
            {
                return s_extractedRoot;
            }

            Assembly assembly = typeof(EmbeddedPackage).Assembly;
            if (Files.Count == 0)
            {
                throw new DataBridgeException("This DataBridge assembly carries no embedded data_manager package.");
            }

            string hash = ContentHash(assembly);
            string parent = CacheParent();
            string final = Path.Combine(parent, hash);
            if (!Directory.Exists(Path.Combine(final, "data_manager")))
            {
                Directory.CreateDirectory(parent);
                string temp = Path.Combine(parent, ".tmp-" + Guid.NewGuid().ToString("N"));
                try
                {
                    foreach (string name in Files)
                    {
                        string target = Path.Combine(temp, name.Replace('/', Path.DirectorySeparatorChar));
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        using Stream source = OpenResource(assembly, name);
                        using FileStream file = File.Create(target);
                        source.CopyTo(file);
                    }

                    try
                    {
                        Directory.Move(temp, final);
                    }
                    catch (IOException) when (Directory.Exists(Path.Combine(final, "data_manager")))
                    {
                        // Another process won the race with identical content: use its copy.
                    }
                }
                finally
                {
                    if (Directory.Exists(temp))
                    {
                        Directory.Delete(temp, recursive: true);
                    }
                }
            }

            s_extractedRoot = final;
            return final;
        }
    }

    private static List<string> LoadNames()
    {
        var names = new List<string>();
        foreach (string name in typeof(EmbeddedPackage).Assembly.GetManifestResourceNames())
        {
            string normalized = name.Replace('\\', '/');
            bool ours = normalized.StartsWith(Prefix, StringComparison.Ordinal) || normalized.StartsWith(ClientPrefix, StringComparison.Ordinal);
            if (ours && !normalized.Contains("__pycache__", StringComparison.Ordinal))
            {
                names.Add(normalized);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static Stream OpenResource(Assembly assembly, string normalizedName)
    {
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (string.Equals(name.Replace('\\', '/'), normalizedName, StringComparison.Ordinal))
            {
                return assembly.GetManifestResourceStream(name)!;
            }
        }

        throw new DataBridgeException($"The embedded resource '{normalizedName}' is missing.");
    }

    // SHA-256 over the assembly version and every file's name and bytes: a new build with changed Python
    // sources lands in a new directory, an unchanged one reuses the extracted copy.
    private static string ContentHash(Assembly assembly)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(assembly.GetName().Version?.ToString() ?? "0"));
        byte[] copyBuffer = new byte[81920];
        foreach (string name in Files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            using Stream source = OpenResource(assembly, name);
            int read;
            while ((read = source.Read(copyBuffer, 0, copyBuffer.Length)) > 0)
            {
                hash.AppendData(copyBuffer, 0, read);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..24];
    }

    // $XDG_CACHE_HOME/databridge/python, else ~/.cache/databridge/python, else the temp directory.
    private static string CacheParent()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string? home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string baseDir = !string.IsNullOrEmpty(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        string candidate = Path.Combine(baseDir, "databridge", "python");
        try
        {
            Directory.CreateDirectory(candidate);
            return candidate;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Path.Combine(Path.GetTempPath(), "databridge", "python");
        }
    }
}
