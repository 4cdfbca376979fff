using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Ipc;

public class FuzzCorpusTests
{
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
        string memoryOutcome = Run(() => new ArrowIpcReader(bytes));
        string streamOutcome = Run(() => new ArrowIpcReader(new NonSeekableStream(bytes)));
        TestContext.Out.WriteLine($"memory: {memoryOutcome}");
        TestContext.Out.WriteLine($"stream: {streamOutcome}");
        Assert.That(streamOutcome, Is.EqualTo(memoryOutcome));
    }

    /// <summary>
    /// Reads everything and reads every value through Apache.Arrow's typed arrays; returns "ok N" or
    /// "ArrowFormatException" (its subclass UnsupportedArrowFeatureException included). Any other exception fails
    /// the test. The reader's loop is bounded by the input (every message consumes bytes).
    /// </summary>
    private static string Run(Func<ArrowIpcReader> open)
    {
        try
        {
            using ArrowIpcReader reader = open();
            int batches = 0;
            foreach (RecordBatch batch in reader.ReadRecordBatches())
            {
                using (batch)
                {
                    foreach (IArrowArray column in batch.Arrays)
                    {
                        ArrayReader.ReadAll(column);
                    }

                    batches++;
                }
            }

            return "ok " + batches;
        }
        catch (ArrowFormatException)
        {
            return "ArrowFormatException";
        }
    }
}
