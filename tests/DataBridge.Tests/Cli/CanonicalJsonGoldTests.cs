using DataBridge.Tests.Interop;
using DataBridge.Cli.Canonical;

namespace DataBridge.Tests.Cli;

/// <summary>
/// Canonical JSON read then written back by <see cref="CanonicalJson"/> (no IPC involved): for every gold
/// <c>.canonical.json</c> the oracle must find the result equal to the original.
/// </summary>
public class CanonicalJsonGoldTests
{
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

    /// <summary>
    /// The type of a gold canonical file, if any, whose streams the oracle (apache-arrow JS 21) cannot read:
    /// list views and run-end encoding. A stream we write of them is checked by reading it back instead.
    /// </summary>
    internal static string? OracleUnreadableTypeIn(string canonicalJsonPath)
    {
        string text = File.ReadAllText(canonicalJsonPath);
        return new[] { "listview", "largelistview", "runendencoded" }.FirstOrDefault(t => text.Contains($"\"name\":\"{t}\"", StringComparison.Ordinal)
                                                    || text.Contains($"\"name\": \"{t}\"", StringComparison.Ordinal));
    }

    [TestCaseSource(nameof(GoldCanonicalFiles))]
    public void ParseThenWrite_GoldCanonicalJson_OracleFindsEqual(string relativePath)
    {
        string gold = Path.Combine(Oracle.RequireInterop(), "gold", relativePath);
        Oracle.RequireOracle();
        CanonicalJsonContent content = CanonicalJson.Parse(File.ReadAllText(gold));
        string ours = Path.Combine(Path.GetTempPath(), $"databridge-cj-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(ours, CanonicalJson.ToJson(content.Schema, content.Batches));
            // Apache.Arrow's DictionaryType has no id: the written ids are 0, 1, 2, ..., which the oracle ignores.
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
