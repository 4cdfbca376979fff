using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: <c>dotnet pack</c> makes DataBridge.nupkg (net8.0 + net10.0, XML docs,
/// README, license, the embedded Python package) and the CLI tool package; a fresh console project installs
/// the nupkg from a local folder and runs a bridge; the tool (assembly DataBridge.Cli, command <c>databridge</c>) installs and <c>databridge run</c> works.
/// Slow (packs and restores), so it runs once for the fixture.
/// </summary>
[TestFixture]
[Category("Packaging")]
[NonParallelizable]
public class NuGetPackageTests
{
    private string _root = "";
    private string _work = "";
    private string _feed = "";
    private string _version = "";

    [OneTimeSetUp]
    public void Pack()
    {
        _root = RepositoryRoot();
        _work = Directory.CreateTempSubdirectory("databridge-pack-").FullName;
        _feed = Path.Combine(_work, "feed");
        // A version of its own, so the NuGet cache never serves an older build of the same version.
        _version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmss}";
        foreach (string project in new[] { "src/DataBridge/DataBridge.csproj", "src/DataBridge.Cli/DataBridge.Cli.csproj" })
        {
            // A configuration of its own: packing must not overwrite the Release/Debug binaries this test runs from.
            Dotnet(_root, "pack", Path.Combine(_root, project), "-c", "PackageTest", "-o", _feed, $"-p:Version={_version}");
        }

        File.WriteAllText(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="DataBridge*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        if (_work.Length > 0)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public void Nupkg_HoldsBothTargetsDocsReadmeAndLicense()
    {
        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(_feed, $"DataBridge.{_version}.nupkg"));
        string[] names = [.. zip.Entries.Select(e => e.FullName)];
        Assert.That(names, Is.SupersetOf(new[] { "lib/net8.0/DataBridge.dll", "lib/net8.0/DataBridge.xml", "lib/net10.0/DataBridge.dll", "lib/net10.0/DataBridge.xml", "README.md" }));
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string text = nuspec.ReadToEnd();
        Assert.That(text, Does.Contain("<license type=\"expression\">Apache-2.0</license>"));
        Assert.That(text, Does.Contain("CommunityToolkit.HighPerformance"));
        // The data model a user's code compiles against comes with the package.
        Assert.That(text, Does.Contain("id=\"Apache.Arrow\""));
        Assert.That(text, Does.Contain("id=\"Microsoft.Data.Analysis\""));
    }

    [Test]
    [CancelAfter(900_000)]
    public void FreshConsoleProject_InstallsThePackageAndRunsABridge()
    {
        PythonEnvironment.RequireWorkers();
        string app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="DataBridge" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """"
            using Apache.Arrow;
            using Microsoft.Data.Analysis;
            using DataBridge;

            // The three namespaces together, no alias: no DataBridge type shares a name with theirs.
            await using var bridge = new PythonBridge(new PythonBridgeOptions { PythonExecutable = args[0] });
            ArrowFrame input = ArrowFrame.FromColumns(("x", new long[] { 1, 2, 3 }));
            ArrowFrame output = await bridge.RunAsync(input, """
                rows = [dict(r, y=r["x"] * 10) for r in data_manager.fetch_once_as_rows()]
                data_manager.build_result(rows)
                """);
            Console.WriteLine("y=" + string.Join(",", output.Column<long>("y").ToArray()));
            var batch = new RecordBatch.Builder().Append("x", false, c => c.Int64(a => a.AppendRange([4, 5]))).Build();
            using RunResult arrow = await bridge.RunAsync([batch], "data_manager.set_output(data_manager.fetch_once_as_batches())");
            DataFrame mda = await bridge.RunAsync(new DataFrame(new Int64DataFrameColumn("x", [6L, 7L])), "data_manager.set_output(data_manager.fetch_once_as_batches())");
            Console.WriteLine($"rows={arrow.RowCount},{mda.Rows.Count}");
            """");
        File.Copy(Path.Combine(_work, "nuget.config"), Path.Combine(app, "nuget.config"));
        string output = Dotnet(app, "run", "--", PythonEnvironment.Interpreter);
        Assert.That(output, Does.Contain("y=10,20,30"));
        Assert.That(output, Does.Contain("rows=2,2"));
    }

    [Test]
    [CancelAfter(900_000)]
    public void Tool_InstallsFromTheLocalFolderAndRunsAScript()
    {
        PythonEnvironment.RequireWorkers();
        string tools = Path.Combine(_work, "tools");
        Dotnet(_work, "tool", "install", "--tool-path", tools, "DataBridge.Cli", "--version", _version, "--configfile", Path.Combine(_work, "nuget.config"));
        string output = Path.Combine(_work, "out.csv");
        string stdout = Run(Path.Combine(tools, "databridge"), _work, "run", "--input", Path.Combine(_root, "samples/data/orders.csv"),
            "--script", Path.Combine(_root, "samples/scripts/enrich.py"), "--output", output, "--python", PythonEnvironment.Interpreter);
        Assert.That(stdout, Does.Contain("200 rows written"));
        Assert.That(File.ReadLines(output).First(), Does.EndWith(",total,size"));
        Assert.That(Run(Path.Combine(tools, "databridge"), _work, "--version"), Does.StartWith(_version));
        Assert.That(Run(Path.Combine(tools, "databridge"), _work, "arrow", "inspect", "--help"), Does.Contain("databridge arrow inspect <FILE|->"));
    }

    [Test]
    [CancelAfter(60_000)]
    public void ToolPackage_HoldsDataBridgeCliBesideTheSdk_NoLoadContextFolder()
    {
        using ZipArchive zip = ZipFile.OpenRead(Path.Combine(_feed, $"DataBridge.Cli.{_version}.nupkg"));
        string[] names = [.. zip.Entries.Select(e => e.FullName)];
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.SupersetOf(new[]
            {
                "tools/net10.0/any/DataBridge.Cli.dll", "tools/net10.0/any/DataBridge.dll", "tools/net10.0/any/System.CommandLine.dll",
                "tools/net10.0/any/DotnetToolSettings.xml",
            }));
            Assert.That(names, Has.None.Contains("/sdk/"), "the SDK sits beside the tool's assembly, in one load context");
            Assert.That(names, Has.None.EndsWith("/databridge.dll"));
        });
        using var settings = new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
        Assert.That(settings.ReadToEnd(), Does.Contain("Name=\"databridge\"").And.Contain("EntryPoint=\"DataBridge.Cli.dll\""));
    }

    [Test]
    public void BenchmarksAndSamples_Build()
    {
        // Not referenced by this test project, so nothing else proves they still compile: the benchmark suite the
        // performance docs tell users to run, and both samples.
        foreach (string project in new[] { "src/DataBridge.Benchmarks", "samples/QuickStart", "samples/Distributed" })
        {
            string output = Dotnet(_root, "build", Path.Combine(_root, project), "-c", "PackageTest", "-nologo", "-v", "q");
            Assert.That(output, Does.Contain("0 Error(s)").Or.Contain("Build succeeded"), project);
        }
    }

    private static string Dotnet(string directory, params string[] args) => Run("dotnet", directory, args);

    private static string Run(string program, string directory, params string[] args)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using Process p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => stdout.AppendLine(e.Data);
        p.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 10 minutes");
        }

        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), $"{program} {string.Join(' ', args)} failed:\n{stdout}\n{stderr}");
        return stdout.ToString();
    }

    private static string RepositoryRoot()
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
}
