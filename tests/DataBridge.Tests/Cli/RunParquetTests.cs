using DataBridge.Parquet;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Cli;

/// <summary><c>databridge run</c> with Parquet input and output (issue 14, item 4), in-process, with a real Python worker.</summary>
public class RunParquetTests
{
    [Test]
    public async Task Run_ParquetInToParquetOut_WritesTheTransformedRows()
    {
        PythonEnvironment.RequirePandas();
        string dir = Directory.CreateTempSubdirectory("databridge-cli-parquet-").FullName;
        try
        {
            string input = Path.Combine(dir, "in.parquet");
            string output = Path.Combine(dir, "out.parquet");
            string script = Path.Combine(dir, "double.py");
            ArrowFrame frame = ArrowFrame.FromColumns(("id", new long[] { 1, 2, 3 }), ("name", new string?[] { "a", null, "ç" }));
            await ParquetBatches.WriteAsync(input, frame);
            await File.WriteAllTextAsync(script, "df = data_manager.fetch_once_as_dataframe()\ndata_manager.set_output(df.assign(twice=df['id'] * 2))\n");

            CliResult r = Tool.Run("run", "--input", input, "--script", script, "--output", output, "--python", PythonEnvironment.Interpreter, "--quiet");

            Assert.That(r.ExitCode, Is.Zero, r.StdErr);
            ArrowFrame back = await ParquetBatches.ReadFrameAsync(output);
            Assert.That(back.Column<long>("twice").ToArray(), Is.EqualTo(new long[] { 2, 4, 6 }));
            Assert.That(back.Column<string?>("name").ToArray(), Is.EqualTo(new string?[] { "a", null, "ç" }));
            Assert.That(File.Exists(output + ".partial"), Is.False);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
