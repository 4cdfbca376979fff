namespace DataBridge.Cli;

/// <summary>The <c>databridge</c> executable: the commands of <see cref="CommandLineTool"/> over the console.</summary>
internal static class Program
{
    private static int Main(string[] args) => CommandLineTool.Run(args, Console.Out, Console.Error);
}
