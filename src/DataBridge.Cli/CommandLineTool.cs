using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using DataBridge.Cli.Commands;

namespace DataBridge.Cli;

/// <summary>
/// The <c>databridge</c> command line, callable in-process (tests) as well as from the executable: the command
/// tree (System.CommandLine), <c>--help</c> on every command, <c>--version</c>, and usage errors.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>run --input FILE --script FILE.py --output FILE [options]</c>: <see cref="RunCommand"/>.</item>
/// <item><c>arrow to-json [--compact] FILE|-</c>, <c>arrow from-json JSON|- OUT|-</c>, <c>arrow inspect FILE|-</c>: <see cref="ArrowCommands"/>.</item>
/// </list>
/// Exit codes: 0 success; 1 bad input (one line starting <c>error:</c> on stderr); 2 bad usage (<c>error:</c>
/// and the command's help on stderr); 3 an internal failure (a bug: one <c>error: internal:</c> line);
/// <c>run</c> adds 4, 5 and 130.
/// </remarks>
internal static class CommandLineTool
{
    /// <summary>Exit code of a successful command.</summary>
    public const int ExitSuccess = 0;

    /// <summary>Exit code when the input is malformed, unsupported or unreadable.</summary>
    public const int ExitBadInput = 1;

    /// <summary>Exit code when the command line itself is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code of an unexpected internal failure.</summary>
    public const int ExitInternal = 3;

    /// <summary>The last lines of the help of every command but <c>run</c>.</summary>
    internal const string ExitCodes = "exit codes: 0 ok, 1 bad input, 2 bad usage, 3 internal error.";

    private const string Overview = """
        commands:
          databridge run --input FILE --script FILE.py --output FILE [options]
          databridge arrow to-json [--compact] FILE|-    canonical JSON of an Arrow IPC stream or file, on stdout
          databridge arrow from-json JSON|- OUT|-        write an Arrow IPC stream from canonical JSON
          databridge arrow inspect FILE|-                schema and messages of an Arrow IPC stream
        '-' reads stdin (or writes stdout for OUT). 'databridge COMMAND --help' describes each command.
        """;

    // Response files (@FILE) are not expanded: '@x.arrows' is a file name, as it always was.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>The informational version of this assembly (<c>--version</c>).</summary>
    public static string Version =>
        typeof(CommandLineTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments, e.g. <c>arrow to-json FILE</c>.</param>
    /// <param name="stdout">Where results (and help) go.</param>
    /// <param name="stderr">Where errors, warnings and progress go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, TimeProvider.System);

    /// <summary>As <see cref="Run(string[], TextWriter, TextWriter)"/>, with the clock that paces <c>run</c>'s progress lines.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Where results (and help) go.</param>
    /// <param name="stderr">Where errors, warnings and progress go.</param>
    /// <param name="time">The clock of the progress lines (tests pass a fake one).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(time);
        if (args is ["help"])
        {
            args = ["--help"];
        }

        Command root = CreateRoot(time);
        ParseResult result = root.Parse(args, Parsing);
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            // run handles Ctrl+C itself (exit code 130, a clean "error: cancelled").
            ProcessTerminationTimeout = null,
        };
        try
        {
            return result.Errors.Count > 0 ? UsageError(result, Problem(result), stderr) : result.Invoke(invocation);
        }
#pragma warning disable CA1031 // The tool must end with one error line and an exit code, whatever the bug.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitInternal;
        }
    }

    /// <summary>Writes <c>error: <paramref name="problem"/></c>, then the help of the command in error, to <paramref name="stderr"/>.</summary>
    /// <returns><see cref="ExitUsage"/>.</returns>
    internal static int UsageError(ParseResult result, string problem, TextWriter stderr)
    {
        stderr.WriteLine($"error: {OneLine(problem)}");
        stderr.WriteLine();
        // The help of the command in error: its path from the root, then --help.
        var path = new List<string> { "--help" };
        for (SymbolResult? r = result.CommandResult; r?.Parent is not null; r = r.Parent)
        {
            if (r is CommandResult command)
            {
                path.Insert(0, command.Command.Name);
            }
        }

        result.RootCommandResult.Command.Parse(path, Parsing).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
        return ExitUsage;
    }

    /// <summary>One line of a message that may hold several.</summary>
    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>Whether <paramref name="token"/> is written like an option (<c>-</c> alone is stdin or stdout).</summary>
    internal static bool IsOptionLike(string token) => token.Length > 1 && token[0] == '-';

    // The first problem, in the words of the documentation: a stray token is an unknown option, command or
    // argument. System.CommandLine gives an unknown option before an argument's value to the argument.
    private static string Problem(ParseResult result)
    {
        IEnumerable<string> argumentTokens = result.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value);
        if (result.UnmatchedTokens.Concat(argumentTokens).FirstOrDefault(IsOptionLike) is { } option)
        {
            return $"unknown option '{option}'";
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            return result.CommandResult.Command.Subcommands.Count > 0 ? $"unknown command '{token}'" : $"unexpected argument '{token}'";
        }

        return result.Errors[0].Message;
    }

    private static Command CreateRoot(TimeProvider time)
    {
        var root = new Command("databridge", "Runs Python scripts over CSV, Parquet or Arrow files with DataBridge, and looks inside Arrow IPC streams.");
        var help = new HelpOption();
        help.Action = new HelpWithExitCodes((HelpAction)help.Action!);
        root.Options.Add(help);
        root.Options.Add(new VersionOption { Action = new PrintVersion() });
        root.Subcommands.Add(RunCommand.Create(time));
        root.Subcommands.Add(ArrowCommands.Create());
        root.SetAction(result => UsageError(result, "no command given", result.InvocationConfiguration.Error));
        return root;
    }

    /// <summary>The standard help, then the command's exit codes (and, for the root, every command line).</summary>
    private sealed class HelpWithExitCodes(HelpAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            TextWriter output = parseResult.InvocationConfiguration.Output;
            // The command under the root: run, arrow, or none (the root's own help).
            CommandResult command = parseResult.CommandResult;
            while (command.Parent is CommandResult parent && parent.Parent is not null)
            {
                command = parent;
            }

            if (command.Parent is null)
            {
                output.WriteLine(Overview);
            }

            output.WriteLine(command.Command.Name == RunCommand.Name && command.Parent is not null ? RunCommand.ExitCodes : ExitCodes);
            return ExitSuccess;
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitSuccess;
        }
    }
}
