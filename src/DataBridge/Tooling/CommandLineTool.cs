namespace DataBridge.Tooling;

/// <summary>
/// The commands of the <c>databridge</c> command-line tool, callable in-process (tests, hosts) as well as
/// from the executable.
/// </summary>
public static class CommandLineTool
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments, e.g. <c>arrow to-json FILE</c>.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors go: one line starting <c>error:</c>.</param>
    /// <returns>0 on success, 1 on bad input, 2 on bad usage.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        stderr.WriteLine("usage: databridge arrow (to-json FILE | from-json JSON OUT | inspect FILE)");
        return 2;
    }
}
