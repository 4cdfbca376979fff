namespace DataBridge.Cli.Commands;

/// <summary>How <see cref="ProgressReporter"/> shows progress.</summary>
internal enum ProgressMode
{
    /// <summary>Not at all (<c>--quiet</c>).</summary>
    Off,

    /// <summary>One self-overwriting line (stderr is a terminal).</summary>
    Terminal,

    /// <summary>A <c>progress:</c> line every few seconds (stderr is a pipe or a file).</summary>
    Lines,
}
