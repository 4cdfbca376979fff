using System.Reflection;
using DataBridge.Cli;

namespace DataBridge.Tests.Cli;

/// <summary><c>--help</c> on every command, <c>--version</c>, and how an unknown option is refused.</summary>
public class HelpAndVersionTests
{
    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("run", "--help")]
    [TestCase("run", "-h")]
    [TestCase("arrow", "--help")]
    [TestCase("arrow", "to-json", "--help")]
    [TestCase("arrow", "from-json", "--help")]
    [TestCase("arrow", "inspect", "--help")]
    [TestCase("arrow", "inspect", "-h")]
    public void Help_OnEveryCommandAndSubcommand_ExitsZeroAndPrintsUsage(params string[] args)
    {
        CliResult result = Tool.Run(args);
        string command = string.Join(' ', args.Where(a => !a.StartsWith('-')));
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StdErr);
            Assert.That(result.StdErr, Is.Empty, "help is not read as a file name or an unknown option");
            Assert.That(result.StdOut, Does.Contain("Usage:").And.Contain(("databridge " + command).TrimEnd() + " "));
            Assert.That(result.StdOut, Does.Contain("exit codes: 0 ok"));
        });
    }

    [Test]
    public void Help_OfTheRoot_NamesEveryCommand()
    {
        CliResult result = Tool.Run("--help");
        Assert.That(result.StdOut, Does.Contain("databridge run ").And.Contain("arrow to-json").And.Contain("arrow from-json").And.Contain("arrow inspect"));
    }

    [Test]
    public void Version_PrintsTheAssemblysInformationalVersion()
    {
        string expected = typeof(CommandLineTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        CliResult result = Tool.Run("--version");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StdErr);
            Assert.That(result.StdOut, Is.EqualTo(expected + Environment.NewLine));
            Assert.That(expected, Does.StartWith("0.1.0"), "the informational version follows <Version>");
        });
    }

    [TestCase("arrow inspect", "--bogus", "x.arrows")]
    [TestCase("arrow inspect", "--bogus")]
    [TestCase("arrow from-json", "x.json", "--bogus")]
    [TestCase("arrow to-json", "--bogus", "x.arrows")]
    [TestCase("run", "--input", "a.csv", "--script", "s.py", "--output", "o.csv", "--bogus")]
    public void UnknownOption_ExitsTwo_ErrorLineNamesIt_ThenTheCommandsHelp(string command, params string[] options)
    {
        CliResult result = Tool.Run([.. command.Split(' '), .. options]);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(CommandLineTool.ExitUsage));
            Assert.That(result.StdErr, Does.StartWith($"error: unknown option '--bogus'{Environment.NewLine}"));
            Assert.That(result.StdErr, Does.Contain($"Usage:{Environment.NewLine}  databridge {command} "));
            Assert.That(result.StdOut, Is.Empty);
        });
    }

    [Test]
    public void UnknownCommand_ExitsTwo_ErrorLineNamesIt()
    {
        CliResult result = Tool.Run("arrow", "frobnicate", "x");
        Assert.That(result.ExitCode, Is.EqualTo(CommandLineTool.ExitUsage));
        Assert.That(result.StdErr, Does.StartWith("error: unknown command 'frobnicate'"));
    }
}
