namespace DataBridge.Internal;

/// <summary>What the streaming core of a run learned, for the collecting <c>RunAsync</c> to build its result.</summary>
internal sealed class RunCompletion
{
    /// <summary>The output schema, once read.</summary>
    public Schema? Schema { get; set; }

    /// <summary>The worker's pid.</summary>
    public int ProcessId { get; set; }

    /// <summary>Whether the code called <c>set_output</c>.</summary>
    public bool OutputSet { get; set; } = true;

    /// <summary>The run's timings, once complete.</summary>
    public RunTimings? Timings { get; set; }
}
