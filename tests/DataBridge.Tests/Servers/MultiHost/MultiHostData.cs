using Apache.Arrow;
using Apache.Arrow.Types;

namespace DataBridge.Tests.Servers.MultiHost;

/// <summary>
/// The only place the multi-host tests and benchmark touch Arrow types: building partitions and reading results.
/// (The SDK's Arrow types become Apache.Arrow's in issue 12; porting these tests means porting this file.)
/// </summary>
internal static class MultiHostData
{
    /// <summary>
    /// <paramref name="count"/> numeric partitions (columns id int64, value float64 = id * 1.5, key int64 = id % 3);
    /// partition p holds <paramref name="rows"/>(p) rows with ids from p * 10⁷, in <paramref name="batches"/> batches.
    /// </summary>
    public static (Schema Schema, List<IReadOnlyList<RecordBatch>> Partitions) Partitions(int count, Func<int, int> rows, int batches = 1)
    {
        var schema = new Schema(
        [
            new Field("id", Int64Type.Default, true),
            new Field("value", DoubleType.Default, true),
            new Field("key", Int64Type.Default, true),
        ],
            null);
        var partitions = new List<IReadOnlyList<RecordBatch>>();
        for (int p = 0; p < count; p++)
        {
            int total = rows(p);
            var parts = new List<RecordBatch>();
            for (int b = 0, start = 0; b < batches; b++)
            {
                int length = (total / batches) + (b < total % batches ? 1 : 0);
                long first = (10_000_000L * p) + start;
                long[] id = Enumerable.Range(0, length).Select(i => first + i).ToArray();
                parts.Add(new RecordBatch(
                    schema,
                    [
                        new Int64Array.Builder().AppendRange(id).Build(),
                        new DoubleArray.Builder().AppendRange(id.Select(i => i * 1.5).ToArray()).Build(),
                        new Int64Array.Builder().AppendRange(id.Select(i => i % 3).ToArray()).Build(),
                    ],
                    length));
                start += length;
            }

            partitions.Add(parts);
        }

        return (schema, partitions);
    }

    /// <summary>The bytes of the column values of <paramref name="batches"/> (what a transfer moves, framing aside).</summary>
    public static long ValueBytes(IEnumerable<RecordBatch> batches) => batches.Sum(b => (long)b.Length * 8 * b.Schema.FieldsList.Count);

    /// <summary>The int64 column <paramref name="column"/> of <paramref name="batches"/>, in order.</summary>
    public static long[] Int64s(IEnumerable<RecordBatch> batches, string column) =>
        [.. batches.SelectMany(b => ((Int64Array)b.Column(column)).Values.ToArray())];

    /// <summary>The float64 column <paramref name="column"/> of <paramref name="batches"/>, in order.</summary>
    public static double[] Doubles(IEnumerable<RecordBatch> batches, string column) =>
        [.. batches.SelectMany(b => ((DoubleArray)b.Column(column)).Values.ToArray())];

    /// <summary>The string column <paramref name="column"/> of <paramref name="batches"/>, in order.</summary>
    public static string?[] Strings(IEnumerable<RecordBatch> batches, string column) =>
        [.. batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column(column)).GetString(i)))];

    /// <summary>Disposes every batch of <paramref name="partitions"/>.</summary>
    public static void Dispose(IEnumerable<IReadOnlyList<RecordBatch>> partitions)
    {
        foreach (RecordBatch batch in partitions.SelectMany(p => p))
        {
            batch.Dispose();
        }
    }
}
