using DataBridge.Arrow;
using DataBridge.Ipc;

namespace DataBridge.Tests.Ipc;

public class GoldStreamTests
{
    // Compression, views, list views and run-end encoded arrays are read since the codec speaks Apache.Arrow: only big-endian is refused.
    private static readonly string[] RefusedFeatures = ["endianness:Big"];

    [Test]
    public void ReadGold_EveryStream_ReadsOrRefusesUnsupportedFeatureByName()
    {
        var failures = new List<string>();
        int read = 0;
        foreach (string path in SharedInterop.GoldStreams())
        {
            byte[] bytes = File.ReadAllBytes(path);
            try
            {
                using var reader = new ArrowIpcReader(bytes);
                foreach (RecordBatch batch in reader.ReadRecordBatches())
                {
                    batch.Dispose();
                }

                using var streamReader = new ArrowIpcReader(new MemoryStream(bytes));
                foreach (RecordBatch batch in streamReader.ReadRecordBatches())
                {
                    batch.Dispose();
                }

                read++;
            }
            catch (UnsupportedArrowFeatureException e) when (RefusedFeatures.Any(f => e.Feature.StartsWith(f, StringComparison.Ordinal)))
            {
                TestContext.Out.WriteLine($"{Rel(path)}: refused {e.Feature}");
            }
            catch (Exception e)
            {
                failures.Add($"{Rel(path)}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.That(failures, Is.Empty);
        Assert.That(read, Is.GreaterThan(50));
    }

    [Test]
    public void RewriteGold_EveryReadableStream_OracleFindsEqualAndFramingClean()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "databridge-ipc-gold-" + Environment.ProcessId);
        Directory.CreateDirectory(outDir);
        var failures = new List<string>();
        try
        {
            foreach (string path in SharedInterop.GoldStreams())
            {
                string canonical = Path.ChangeExtension(path, ".canonical.json");
                string output = Path.Combine(outDir, Rel(path).Replace('/', '_') + ".arrows");
                try
                {
                    using var reader = new ArrowIpcReader(File.ReadAllBytes(path));
                    if (NodeOracleCannotRead(reader.Schema))
                    {
                        TestContext.Out.WriteLine($"{Rel(path)}: skipped, the node oracle's apache-arrow cannot decode view, list-view or run-end encoded types");
                        continue;
                    }

                    using var file = File.Create(output);
                    using var writer = new ArrowIpcWriter(file, reader.Schema);
                    foreach (RecordBatch batch in reader.ReadRecordBatches())
                    {
                        writer.WriteRecordBatch(batch);
                    }

                    writer.WriteEnd();
                }
                catch (UnsupportedArrowFeatureException)
                {
                    continue;
                }

                (int code, string text) = SharedInterop.Node("compare.mjs", canonical, output);
                if (code != 0)
                {
                    failures.Add($"{Rel(path)}: compare: {text.Trim()}");
                }

                (code, text) = SharedInterop.Node("read.mjs", "--frames", output);
                if (code != 0)
                {
                    failures.Add($"{Rel(path)}: frames: {text.Trim()}");
                }
            }
        }
        finally
        {
            if (failures.Count == 0) { Directory.Delete(outDir, true); }
        }

        Assert.That(failures, Is.Empty);
    }

    private static bool NodeOracleCannotRead(Schema schema) => schema.FieldsList.Any(f => Newer(f.DataType));

    private static bool Newer(IArrowType type) =>
        type.TypeId is ArrowTypeId.StringView or ArrowTypeId.BinaryView or ArrowTypeId.ListView or ArrowTypeId.LargeListView or ArrowTypeId.RunEndEncoded
        || (type is DictionaryType d && Newer(d.ValueType))
        || TypeLayout.Children(type).Any(f => Newer(f.DataType));

    private static string Rel(string path) => Path.GetRelativePath(Path.Combine(SharedInterop.Root, "gold"), path);
}
