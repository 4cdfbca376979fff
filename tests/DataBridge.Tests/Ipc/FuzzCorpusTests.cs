using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tooling;

namespace DataBridge.Tests.Ipc;

public class FuzzCorpusTests
{
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(5);

    public static IEnumerable<TestCaseData> FuzzFiles()
    {
        string dir = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "..", "shared", "arrow-interop", "fuzz"));
        if (!Directory.Exists(dir))
        {
            yield return new TestCaseData(string.Empty).SetName("Fuzz_CorpusAbsent");
            yield break;
        }

        foreach (string file in Directory.EnumerateFiles(dir).Where(f => !f.EndsWith(".tsv", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return new TestCaseData(file).SetName("Fuzz_" + Path.GetFileName(file));
        }
    }

    [TestCaseSource(nameof(FuzzFiles))]
    public void ReadFuzzFile_FromMemoryAndStream_EndsInSuccessOrArrowFormatException(string path)
    {
        if (path.Length == 0)
        {
            Assert.Ignore("../shared/arrow-interop/fuzz is absent.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        string memoryOutcome = RunWithLimit(() => new ArrowIpcReader(bytes));
        string streamOutcome = RunWithLimit(() => new ArrowIpcReader(new NonSeekableStream(bytes)));
        TestContext.Out.WriteLine($"memory: {memoryOutcome}");
        TestContext.Out.WriteLine($"stream: {streamOutcome}");
        Assert.That(streamOutcome, Is.EqualTo(memoryOutcome));
    }

    /// <summary>Reads everything and renders every value; returns "ok N" or the ArrowFormatException message.</summary>
    private static string RunWithLimit(Func<ArrowIpcReader> open)
    {
        Task<string> task = Task.Run(() =>
        {
            try
            {
                using ArrowIpcReader reader = open();
                int batches = 0;
                foreach (RecordBatch batch in reader.ReadRecordBatches())
                {
                    using (batch)
                    {
                        // Canonical JSON reads every value through the typed arrays.
                        _ = CanonicalJson.ToJson(batch.Schema, [batch], indented: false);
                        batches++;
                    }
                }

                return "ok " + batches;
            }
            catch (ArrowFormatException)
            {
                return "ArrowFormatException";
            }
        });
        Assert.That(task.Wait(PerFileLimit), Is.True, "the reader did not finish in time");
        return task.Result;
    }
}
