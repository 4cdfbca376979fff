namespace DataBridge;

/// <summary>Where the time of one run went, as the worker measured it, plus the host's wall-clock time.</summary>
public sealed class RunTimings
{
    /// <summary>Creates timings.</summary>
    public RunTimings(TimeSpan boot, TimeSpan init, TimeSpan run, TimeSpan finish, TimeSpan elapsed)
    {
        Boot = boot;
        Init = init;
        Run = run;
        Finish = finish;
        Elapsed = elapsed;
    }

    /// <summary>Worker start-up before this run (fork to ready; zero for a reused worker).</summary>
    public TimeSpan Boot { get; }

    /// <summary>Reading the run header and compiling (or finding) the code.</summary>
    public TimeSpan Init { get; }

    /// <summary>Executing the user code, its input reading and output writing included.</summary>
    public TimeSpan Run { get; }

    /// <summary>Draining unread input and flushing the output after the code returned.</summary>
    public TimeSpan Finish { get; }

    /// <summary>The whole run as the .NET side saw it, from acquiring a worker to the last frame.</summary>
    public TimeSpan Elapsed { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"boot {Boot.TotalMilliseconds:0.###} ms, init {Init.TotalMilliseconds:0.###} ms, run {Run.TotalMilliseconds:0.###} ms, finish {Finish.TotalMilliseconds:0.###} ms, elapsed {Elapsed.TotalMilliseconds:0.###} ms";
}
