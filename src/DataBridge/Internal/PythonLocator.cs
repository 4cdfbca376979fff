namespace DataBridge.Internal;

/// <summary>Finds the default interpreter: <c>DATABRIDGE_PYTHON</c>, else <c>python3</c> (then <c>python</c>) on PATH.</summary>
internal static class PythonLocator
{
    /// <summary>The environment variable that names the default interpreter.</summary>
    public const string EnvironmentVariable = "DATABRIDGE_PYTHON";

    /// <summary>The default interpreter path, or the bare name <c>python3</c> when nothing is found (the start then fails clearly).</summary>
    public static string Default()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        return FindOnPath("python3") ?? FindOnPath("python") ?? "python3";
    }

    /// <summary>The full path of <paramref name="name"/> in a PATH directory, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", string.Empty] : [string.Empty];
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(dir, name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
