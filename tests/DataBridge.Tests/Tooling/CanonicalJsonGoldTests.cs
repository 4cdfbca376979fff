using DataBridge.Tests.Interop;
using DataBridge.Tooling;

namespace DataBridge.Tests.Tooling;

/// <summary>
/// Canonical JSON read then written back by <see cref="CanonicalJson"/> (no IPC involved): for every gold
/// <c>.canonical.json</c> the oracle must find the result equal to the original.
/// </summary>
public class CanonicalJsonGoldTests
{
    private static readonly string[] UnsupportedTypes = ["binaryview", "utf8view", "listview", "largelistview", "runendencoded"];

    public static IEnumerable<TestCaseData> GoldCanonicalFiles() => GoldCases("*.canonical.json");

    internal static IEnumerable<TestCaseData> GoldCases(string pattern)
    {
        List<string> files = [.. Oracle.GoldFiles(pattern)];
        if (files.Count == 0)
        {
            // Keeps one visible case that ignores itself with the reason.
            yield return new TestCaseData("(gold files absent)").SetArgDisplayNames("gold-absent");
            yield break;
        }

        foreach (string file in files)
        {
            yield return new TestCaseData(file).SetArgDisplayNames(file);
        }
    }

    /// <summary>The unsupported type a gold canonical file uses, if any (view types, run-end encoding).</summary>
    internal static string? UnsupportedTypeIn(string canonicalJsonPath)
    {
        string text = File.ReadAllText(canonicalJsonPath);
        return UnsupportedTypes.FirstOrDefault(t => text.Contains($"\"name\":\"{t}\"", StringComparison.Ordinal)
                                                    || text.Contains($"\"name\": \"{t}\"", StringComparison.Ordinal));
    }

    [TestCaseSource(nameof(GoldCanonicalFiles))]
    public void ParseThenWrite_GoldCanonicalJson_OracleFindsEqual(string relativePath)
    {
        string gold = Path.Combine(Oracle.RequireInterop(), "gold", relativePath);
        Oracle.RequireOracle();
        string? unsupported = UnsupportedTypeIn(gold);
        if (unsupported is not null)
        {
            var e = Assert.Throws<UnsupportedArrowFeatureException>(() => CanonicalJson.Parse(File.ReadAllText(gold)));
            Assert.That(e!.Feature, Is.EqualTo(unsupported));
            return;
        }

        CanonicalJsonContent content = CanonicalJson.Parse(File.ReadAllText(gold));
        string ours = Path.Combine(Path.GetTempPath(), $"databridge-cj-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(ours, CanonicalJson.ToJson(content.Schema, content.Batches));
            // Our arrays are little-endian whatever the source was, so a big-endian file compares by values.
            string[] options = content.Endianness == "Big" ? ["--values-only"] : [];
            Oracle.AssertEqual(gold, ours, options);
        }
        finally
        {
            File.Delete(ours);
        }
    }
}
