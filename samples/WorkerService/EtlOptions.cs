namespace WorkerService;

/// <summary>The job's settings (section <c>Etl</c> of appsettings.json; paths relative to the working directory).</summary>
internal sealed class EtlOptions
{
    /// <summary>The CSV file to enrich.</summary>
    public string Input { get; set; } = "samples/data/orders.csv";

    /// <summary>The Python script run over it (it sees <c>data_manager</c>).</summary>
    public string Script { get; set; } = "samples/scripts/enrich.py";

    /// <summary>Where each run's CSV goes (created when missing).</summary>
    public string OutputDirectory { get; set; } = "out/worker-service";

    /// <summary>The time between two runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Run once, then stop the host (<c>--once</c> on the command line).</summary>
    public bool Once { get; set; }
}
