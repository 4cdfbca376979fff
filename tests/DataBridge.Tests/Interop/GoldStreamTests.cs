using System.Text.RegularExpressions;
using DataBridge.Tests.Cli;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 2, acceptance 1 and 2: every gold stream read by <c>databridge arrow to-json</c>, and every gold
/// canonical JSON written by <c>databridge arrow from-json</c>, checked by the apache-arrow JS oracle.
/// Only big-endian inputs may be refused, and then cleanly by name.
/// </summary>
public class GoldStreamTests
{
    public static IEnumerable<TestCaseData> GoldStreams() => CanonicalJsonGoldTests.GoldCases("*.stream");

    public static IEnumerable<TestCaseData> GoldCanonicalFiles() => CanonicalJsonGoldTests.GoldCases("*.canonical.json");

    /// <summary>The feature a gold file may be refused for (a pattern its error must match), or null.</summary>
    /// <remarks>Over Apache.Arrow 23 only big-endian bodies are refused: compressed bodies, views, list views
    /// and run-end encoded arrays are read.</remarks>
    internal static Regex? AllowedRefusal(string relativePath) =>
        relativePath.StartsWith("versions/1.0.0-bigendian/", StringComparison.Ordinal)
            ? new Regex("big.?endian|endianness", RegexOptions.IgnoreCase)
            : null;

    [TestCaseSource(nameof(GoldStreams))]
    public void ToJson_GoldStream_OracleFindsEqualToCanonical(string relativePath)
    {
        string gold = Path.Combine(Oracle.RequireInterop(), "gold");
        Oracle.RequireOracle();
        string stream = Path.Combine(gold, relativePath);
        string expected = stream[..^".stream".Length] + ".canonical.json";
        CliResult result = Tool.Run("arrow", "to-json", stream);
        Regex? refusal = AllowedRefusal(relativePath);
        if (refusal is not null && result.ExitCode != 0)
        {
            Tool.AssertCleanError(result);
            Assert.That(result.StdErr, Does.Match(refusal), "the refusal must name the unsupported feature");
            return;
        }

        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        using var temp = new TempFiles();
        string ours = temp.TempPath(".json");
        File.WriteAllText(ours, result.StdOut);
        Oracle.AssertEqual(expected, ours);
    }

    [TestCaseSource(nameof(GoldCanonicalFiles))]
    public void FromJson_GoldCanonical_OracleFindsEqualAndFramingAuditsClean(string relativePath)
    {
        string gold = Path.Combine(Oracle.RequireInterop(), "gold", relativePath);
        Oracle.RequireOracle();
        using var temp = new TempFiles();
        string ours = temp.TempPath(".arrows");
        CliResult result = Tool.Run("arrow", "from-json", gold, ours);
        if (relativePath.StartsWith("versions/1.0.0-bigendian/", StringComparison.Ordinal))
        {
            // Big-endian output is refused by name.
            Tool.AssertCleanError(result);
            Assert.That(result.StdErr, Does.Contain("big-endian"));
            Assert.That(File.Exists(ours), Is.False, "a refused conversion must not leave a file behind");
            return;
        }

        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        if (CanonicalJsonGoldTests.OracleUnreadableTypeIn(gold) is not null)
        {
            // The oracle cannot decode list views or run-end encoding ("Unrecognized type"): the stream is
            // read back by to-json instead, and that JSON compared.
            CliResult back = Tool.Run("arrow", "to-json", ours);
            Assert.That(back.ExitCode, Is.Zero, back.StdErr);
            string json = temp.TempPath(".json");
            File.WriteAllText(json, back.StdOut);
            Oracle.AssertEqual(gold, json);
        }
        else
        {
            Oracle.AssertEqual(gold, ours);
        }

        ProcessResult frames = Oracle.Read("--frames", ours);
        Assert.That(frames.ExitCode, Is.Zero, $"read.mjs --frames found problems:\n{frames.StdOut}\n{frames.StdErr}");
    }
}
