namespace DataBridge.Tests.Workers;

/// <summary>Small record batches for end-to-end tests.</summary>
internal static class Batches
{
    /// <summary>Columns id (int64, 0..n-1), value (float64 = id * 1.5), name ("n{id}", null every 7th), flag (id even), key (id % 3).</summary>
    public static RecordBatch Sample(int rows, int start = 0)
    {
        var id = new Int64Array.Builder();
        var value = new DoubleArray.Builder();
        var name = new StringArray.Builder();
        var flag = new BooleanArray.Builder();
        var key = new Int64Array.Builder();
        for (int i = start; i < start + rows; i++)
        {
            id.Append(i);
            value.Append(i * 1.5);
            name.Append(i % 7 == 6 ? null : "n" + i);
            flag.Append(i % 2 == 0);
            key.Append(i % 3);
        }

        var schema = new Schema(
        [
            new Field("id", Int64Type.Default, true),
            new Field("value", DoubleType.Default, true),
            new Field("name", StringType.Default, true),
            new Field("flag", BooleanType.Default, true),
            new Field("key", Int64Type.Default, true),
        ], null);
        return new RecordBatch(schema, [id.Build(), value.Build(), name.Build(), flag.Build(), key.Build()], rows);
    }

    public static long[] Int64s(RunResult result, string column) =>
        [.. result.Batches.SelectMany(b => Values((Int64Array)b.Column(column)))];

    public static string?[] Strings(RunResult result, string column) =>
        [.. result.Batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column(column)).GetString(i)))];

    private static IEnumerable<long> Values(Int64Array array)
    {
        for (int i = 0; i < array.Length; i++)
        {
            yield return array.GetValue(i) ?? throw new InvalidOperationException($"null at {i}");
        }
    }
}
