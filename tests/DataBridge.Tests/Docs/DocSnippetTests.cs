using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using DataBridge.Frames;
using Microsoft.Data.Analysis;
using DataBridge.Parquet;
using DataBridge.Servers;
using DataBridge.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DataBridge.Tests.Docs;

/// <summary>
/// The C# examples of README.md and docs/getting-started.md are kept here as code that compiles and runs;
/// the tests check that the documents show exactly this code, so docs and API cannot drift apart, and that every
/// relative link and every repository path the documents name exists.
/// </summary>
[NonParallelizable]
[CancelAfter(180_000)]
public partial class DocSnippetTests
{
    private static string Root()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "DataBridge.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static async Task ReadmeExample()
    {
        // snippet: readme
        await using var bridge = new PythonBridge(new PythonBridgeOptions
        {
            Environment = { ["OMP_NUM_THREADS"] = "1" },   // the workers' environment
            MaxWorkers = 2,                                // interpreter: DATABRIDGE_PYTHON, else python3 on PATH
        });

        ArrowFrame orders = ArrowFrame.LoadCsv("samples/data/orders.csv");
        ArrowFrame enriched = await bridge.RunAsync(orders, """
            frames = [df.assign(total=df.qty * df.price) for df in data_manager.fetch_once()]
            data_manager.set_output(frames)
            """, new RunContext { Owner = "etl", GroupId = "nightly-42" });
        Console.WriteLine(enriched);                        // an aligned table, like pandas prints

        // Executor mode: one worker per partition, two at once, results in partition order.
        ArrowFrame perCustomer = await bridge.MapPartitionsAsync(orders.PartitionBy("customer", 4), """
            df = data_manager.fetch_once_as_dataframe()
            data_manager.set_output(df.groupby("customer", dropna=False, as_index=False)["qty"].sum())
            """, parallelism: 2);
        Console.WriteLine(perCustomer);
        // end snippet
        Assert.That(enriched.RowCount, Is.EqualTo(orders.RowCount));
        Assert.That(enriched.Columns, Does.Contain("total"));
        Assert.That(perCustomer.Column<long>("qty").ToArray().Sum(), Is.EqualTo(orders.Column<long>("qty").ToArray().Sum()));
    }

    private static async Task GettingStartedExample()
    {
        // snippet: getting-started
        await using var bridge = new PythonBridge();            // python3 on PATH, or DATABRIDGE_PYTHON
        ArrowFrame orders = ArrowFrame.LoadCsv("samples/data/orders.csv");
        ArrowFrame result = await bridge.RunAsync(orders, """
            import pandas as pd
            df = data_manager.fetch_once_as_dataframe()
            data_manager.set_output(df.groupby("customer", dropna=False, as_index=False)["qty"].sum())
            """);
        Console.WriteLine(result);
        // end snippet
        Assert.That(result.Columns, Is.EqualTo(new[] { "customer", "qty" }));
    }

    private static async Task ComingFromApacheArrowExample()
    {
        // snippet: getting-started-apache
        await using var bridge = new PythonBridge();
        const string Doubled = """
            df = data_manager.fetch_once_as_dataframe()
            data_manager.set_output(df.assign(twice=df.qty * 2))
            """;

        // Apache.Arrow record batches in, record batches out; disposing the result releases their memory.
        RecordBatch batch = new RecordBatch.Builder()
            .Append("qty", false, column => column.Int64(values => values.AppendRange([3, 5])))
            .Build();
        using RunResult run = await bridge.RunAsync([batch], Doubled);
        var twice = (Int64Array)run.Batches[0].Column("twice");

        // An IArrowArrayStream (an ArrowStreamReader, a Flight stream) goes in as it is; an Arrow file or
        // stream on disk through RunAsync(Stream).

        // A Microsoft.Data.Analysis DataFrame in, a DataFrame out.
        DataFrame frame = new(new Int64DataFrameColumn("qty", [3L, 5L]));
        DataFrame doubled = await bridge.RunAsync(frame, Doubled);
        Console.WriteLine(doubled);
        // end snippet
        Assert.That(twice.Values.ToArray(), Is.EqualTo(new long[] { 6, 10 }));
        Assert.That(doubled.Columns.GetInt64Column("twice"), Is.EqualTo(new long?[] { 6, 10 }));
    }

    // The documents' shorter fragments: compiled here (never run), with their free variables as parameters.
    private static async Task DataFrameFragment(PythonBridge bridge, IEnumerable<Order> myOrders, string code, RunContext context)
    {
        // snippet: dataframe
        ArrowFrame orders = ArrowFrame.FromRecords(myOrders);          // one column per public property
        ArrowFrame csv = ArrowFrame.LoadCsv("orders.csv");              // types inferred
        Console.WriteLine(csv);                                       // aligned table + schema
        ArrowFrameColumn<long> qty = csv.Column<long>("qty");          // typed, no boxing
        ArrowFrame scored = await bridge.MapPartitionsAsync(csv.Repartition(8), code, context, parallelism: 4);
        List<Order> back = scored.ToRecords<Order>().ToList();
        // end snippet
        GC.KeepAlive((orders, qty, back));
    }

    private static async Task ParquetFragment(PythonBridge bridge, string code)
    {
        // snippet: parquet
        // A path in, batches out: one row group decoded at a time.
        await foreach (RecordBatch batch in ParquetBatches.ReadAsync("orders.parquet", new ParquetReadOptions { Columns = ["id", "qty", "price"] }))
        {
            using (batch) { /* ... */ }
        }

        // Batches and a path in: through pandas and back to Parquet, nothing held but the batches in flight.
        long rows = await ParquetBatches.WriteAsync("scored.parquet",
            bridge.RunStreamingAsync(ParquetBatches.ReadAsync("orders.parquet"), code));
        // end snippet
        GC.KeepAlive(rows);
    }

    private static async Task DistributedFragment(ArrowFrame input, IReadOnlyList<RecordBatch> partitions, string driverCode, RunContext context, CancellationToken cancellationToken)
    {
        // snippet: distributed
        await using var bridge = new PythonBridge(new PythonBridgeOptions { MaxWorkers = 1 });

        // With an ArrowFrame: one task per partition (Repartition(n) sets n); the results as one frame, in partition order.
        ArrowFrame output = await bridge.RunDistributedAsync(input.Repartition(8), driverCode, context, cancellationToken);

        // With batches: the per-partition results, duplicates count and the driver's own output as well.
        using DistributedRunResult result = await bridge.RunDistributedAsync(partitions, driverCode, context, cancellationToken);
        // result.Batches: every partition's result, in partition order; result.Partitions[i]: partition i's result
        // result.DuplicateUploads: uploads dropped because a retried task had already delivered that partition
        // result.Driver: whatever the driver code itself output (usually nothing)
        // end snippet
        GC.KeepAlive(output);
    }

    private static async Task MultiHostFragment(PythonBridge bridge, Schema schema, IReadOnlyList<IReadOnlyList<RecordBatch>> partitions, string driverCode, RunContext context, CancellationToken cancellationToken)
    {
        // snippet: multi-host
        var options = new ServerOptions
        {
            BindAddress = System.Net.IPAddress.Parse("10.20.0.1"), // this machine's address on the workers' network (event 501 warns)
            ClientTimeout = TimeSpan.FromSeconds(30),            // frees the connection of a task whose host vanished
        };
        await using DataServer server = bridge.ServeData(schema, partitions, options);
        using DistributedRunResult result = await bridge.RunDistributedAsync(server, driverCode, context, cancellationToken: cancellationToken);
        // end snippet
        GC.KeepAlive(result);
    }

    private static void ServersFragment(PythonBridge bridge, IReadOnlyList<RecordBatch> partitions)
    {
        // snippet: servers
        DataServer data = bridge.ServeData(partitions);          // data.Host, data.Port, data.Token
        ModelServer model = bridge.ServeModel("/models/ranker"); // a file or a directory tree
        // ... hand host/port/token to your tasks; read data.GetResult(i) / data.MissingResults ...
        // end snippet
        GC.KeepAlive((data, model));
    }

    private static void HostingReadmeFragment(HostApplicationBuilder builder)
    {
        // snippet: hosting-readme
        builder.Services.AddDataBridge(builder.Configuration.GetSection("DataBridge")).WarmUpOnStart();
        // then take PythonBridge in a constructor; the container disposes it
        // end snippet
    }

    private static void HostingFragment(string[] args)
    {
        // snippet: hosting
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddDataBridge(builder.Configuration.GetSection("DataBridge"))   // bind PythonBridgeOptions
                        .WarmUpOnStart();                                                // daemon + one worker at start
        builder.Services.AddHostedService<MyEtlJob>();                                   // takes PythonBridge in its constructor
        // end snippet
        GC.KeepAlive(builder);
    }

    /// <summary>The hosted job of the hosting fragment.</summary>
    private sealed class MyEtlJob(PythonBridge bridge) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => bridge.WarmUpAsync(stoppingToken);
    }

    private static void ObservabilityFragment()
    {
        // snippet: observability
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == DataBridgeDiagnostics.MeterName) l.EnableMeasurementEvents(i); };
        // end snippet
    }

    /// <summary>A POCO for the ArrowFrame fragment.</summary>
    public sealed class Order
    {
        public long Qty { get; set; }
    }

    [Test]
    public void EveryCSharpBlockInTheDocs_IsATestedSnippet()
    {
        string code = File.ReadAllText(Path.Combine(Root(), "tests/DataBridge.Tests/Docs/DocSnippetTests.cs"));
        var tested = Regex.Matches(code, @"// snippet: [\w-]+\n(.*?)\n\s*// end snippet", RegexOptions.Singleline)
            .Select(m => Normalize(m.Groups[1].Value)).ToHashSet();
        string[] documents = ["README.md", .. Directory.GetFiles(Path.Combine(Root(), "docs"), "*.md").Select(f => Path.Combine("docs", Path.GetFileName(f)))];
        var untested = new List<string>();
        foreach (string document in documents)
        {
            string markdown = File.ReadAllText(Path.Combine(Root(), document));
            foreach (Match block in Regex.Matches(markdown, @"```csharp\n(.*?)```", RegexOptions.Singleline))
            {
                if (!tested.Contains(Normalize(block.Groups[1].Value)))
                {
                    untested.Add($"{document}: {block.Groups[1].Value.Split('\n')[0]}");
                }
            }
        }

        Assert.That(untested, Is.Empty, "C# blocks in the docs that are not kept as tested snippets here");
    }

    [Test]
    public void EveryRelativeLinkAndNamedRepositoryPathInTheDocs_Exists()
    {
        string root = Root();
        string[] documents = ["README.md", .. Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.Combine("docs", Path.GetFileName(f)))];
        var broken = new List<string>();
        foreach (string document in documents)
        {
            string markdown = File.ReadAllText(Path.Combine(root, document));
            string folder = Path.GetDirectoryName(Path.Combine(root, document))!;

            // [text](target#anchor): the target file or folder exists, relative to the document.
            foreach (Match link in MarkdownLink().Matches(markdown))
            {
                string target = link.Groups[1].Value.Split('#')[0];
                if (target.Length > 0 && !target.Contains("://", StringComparison.Ordinal)
                    && !File.Exists(Path.Combine(folder, target)) && !Directory.Exists(Path.Combine(folder, target)))
                {
                    broken.Add($"{document}: link {link.Groups[1].Value}");
                }
            }

            // `src/...`, `tests/...`, `samples/...`, ... in code spans: a path in the repository (globs and placeholders aside).
            foreach (Match path in RepositoryPath().Matches(markdown))
            {
                string named = path.Groups[1].Value.TrimEnd('/', '.', ',', ':');
                if (named.IndexOfAny(['*', '{', '<']) < 0
                    && !File.Exists(Path.Combine(root, named)) && !Directory.Exists(Path.Combine(root, named)))
                {
                    broken.Add($"{document}: path {named}");
                }
            }
        }

        Assert.That(broken, Is.Empty, "links or repository paths in the docs that do not exist");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"`((?:src|tests|samples|python|docs|scripts|\.ci)/[^`\s]*)`")]
    private static partial Regex RepositoryPath();

    [TestCase("README.md", "readme")]
    [TestCase("docs/getting-started.md", "getting-started")]
    [TestCase("docs/getting-started.md", "getting-started-apache")]
    public void Document_ShowsTheTestedSnippet(string document, string snippet)
    {
        string code = File.ReadAllText(Path.Combine(Root(), "tests/DataBridge.Tests/Docs/DocSnippetTests.cs"));
        Match tested = Regex.Match(code, $@"// snippet: {snippet}\n(.*?)\n\s*// end snippet", RegexOptions.Singleline);
        Assert.That(tested.Success, Is.True, $"snippet '{snippet}' not found in the test");
        string markdown = File.ReadAllText(Path.Combine(Root(), document));
        string[] blocks = [.. Regex.Matches(markdown, @"```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => Normalize(m.Groups[1].Value))];
        Assert.That(blocks, Does.Contain(Normalize(tested.Groups[1].Value)), $"{document} does not show the tested '{snippet}' snippet");
    }

    [Test]
    public Task Readme_ExampleRuns() => RunInRepository(ReadmeExample);

    [Test]
    public Task GettingStarted_ExampleRuns() => RunInRepository(GettingStartedExample);

    [Test]
    public Task GettingStarted_ComingFromApacheArrow_ExampleRuns() => RunInRepository(ComingFromApacheArrowExample);

    private static async Task RunInRepository(Func<Task> example)
    {
        PythonEnvironment.RequirePandas();
        string directory = Environment.CurrentDirectory;
        string? python = Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON");
        try
        {
            // The examples use the defaults: the interpreter from DATABRIDGE_PYTHON, paths relative to the repository.
            Environment.SetEnvironmentVariable("DATABRIDGE_PYTHON", PythonEnvironment.Interpreter);
            Environment.CurrentDirectory = Root();
            await example();
        }
        finally
        {
            Environment.CurrentDirectory = directory;
            Environment.SetEnvironmentVariable("DATABRIDGE_PYTHON", python);
        }
    }

    // Compares code regardless of indentation, blank lines and using directives (the documents show them).
    private static string Normalize(string code) => string.Join('\n', code.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !UsingDirective().IsMatch(l)));

    [GeneratedRegex(@"^using [\w.]+;$")]
    private static partial Regex UsingDirective();
}
