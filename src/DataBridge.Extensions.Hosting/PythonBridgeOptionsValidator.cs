using Microsoft.Extensions.Options;

namespace DataBridge.Extensions.Hosting;

/// <summary>
/// Validates the bound options when the host starts (<c>ValidateOnStart</c>): the bridge's own checks, plus that
/// the interpreter exists, so a configuration mistake stops the start naming the setting instead of failing the
/// first run.
/// </summary>
internal sealed class PythonBridgeOptionsValidator : IValidateOptions<PythonBridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, PythonBridgeOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"DataBridge option {ex.ParamName}: {ex.Message}");
        }

        if (!InterpreterExists(options.PythonExecutable))
        {
            return ValidateOptionsResult.Fail(
                $"DataBridge option PythonExecutable: the Python interpreter '{options.PythonExecutable}' was not found " +
                "(no such file, or not on PATH). Choose another with the PythonExecutable setting (e.g. DataBridge:PythonExecutable " +
                "in configuration) or the DATABRIDGE_PYTHON environment variable.");
        }

        return ValidateOptionsResult.Success;
    }

    private static bool InterpreterExists(string executable)
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || executable.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(executable);
        }

        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", string.Empty] : [string.Empty];
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => suffixes.Any(suffix => File.Exists(Path.Combine(dir, executable + suffix))));
    }
}
