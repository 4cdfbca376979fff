using System.Reflection;
using System.Runtime.Loader;

namespace DataBridge.Cli;

/// <summary>
/// The <c>databridge</c> executable. Its assembly is named <c>databridge</c>, which .NET considers the same
/// name as the SDK assembly <c>DataBridge</c> (assembly names compare case-insensitively), so the two cannot
/// share a load context (nor a NuGet package folder). The SDK therefore ships in <c>sdk/DataBridge.dll</c>, and
/// this launcher loads it into its own context and runs the commands it implements
/// (<c>DataBridge.Tooling.CommandLineTool</c>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string directory = AppContext.BaseDirectory;
        var context = new SdkLoadContext(directory);
        Assembly sdk = context.LoadSdk();
        MethodInfo run = sdk.GetType("DataBridge.Tooling.CommandLineTool", throwOnError: true)!
            .GetMethod("Run", BindingFlags.Public | BindingFlags.Static, [typeof(string[]), typeof(TextWriter), typeof(TextWriter)])!;
        try
        {
            return (int)run.Invoke(null, [args, Console.Out, Console.Error])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Console.Error.WriteLine($"error: internal failure: {e.InnerException.GetType().Name}: {e.InnerException.Message}");
            return 3;
        }
    }

    private sealed class SdkLoadContext(string directory) : AssemblyLoadContext("DataBridge.Sdk")
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (string.Equals(assemblyName.Name, "databridge", StringComparison.Ordinal))
            {
                return null;
            }

            if (string.Equals(assemblyName.Name, "DataBridge", StringComparison.Ordinal))
            {
                return LoadSdk();
            }

            string path = Path.Combine(directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        public Assembly LoadSdk()
        {
            // By stream: loading by path or name would resolve to the already loaded entry assembly.
            foreach (Assembly loaded in Assemblies)
            {
                if (string.Equals(loaded.GetName().Name, "DataBridge", StringComparison.Ordinal))
                {
                    return loaded;
                }
            }

            using FileStream image = File.OpenRead(Path.Combine(directory, "sdk", "DataBridge.dll"));
            return LoadFromStream(image);
        }
    }
}
