namespace DataBridge.Internal;

/// <summary>
/// Re-slices input batches (zero-copy views) so no batch sent to a worker exceeds <c>MaxBatchRows</c> rows
/// or, approximately, <c>MaxBatchBytes</c> bytes; this also keeps every Arrow message far below 2 GiB.
/// </summary>
internal static class BatchSlicer
{
    /// <summary>The batch itself when within bounds, else consecutive slices of it that are.</summary>
    public static IEnumerable<RecordBatch> Slice(RecordBatch batch, int maxRows, long maxBytes)
    {
        if (batch.Length <= 1 || (batch.Length <= maxRows && EstimateBytes(batch) <= maxBytes))
        {
            return [batch];
        }

        // Bytes per row from the buffers the batch references; a slice references whole buffers, so this
        // overestimates slices, which only makes the pieces smaller.
        double perRow = Math.Max(EstimateBytes(batch) / (double)batch.Length, 1e-9);
        int rows = (int)Math.Clamp(Math.Floor(maxBytes / perRow), 1, maxRows);
        return SliceBy(batch, rows);
    }

    /// <summary>The bytes of every buffer the batch references (children and dictionaries included).</summary>
    public static long EstimateBytes(RecordBatch batch)
    {
        long total = 0;
        foreach (IArrowArray column in batch.Arrays)
        {
            total += EstimateBytes(column.Data, depth: 0);
        }

        return total;
    }

    /// <summary>The bytes of every buffer <paramref name="data"/> references (children and dictionary included).</summary>
    public static long EstimateBytes(ArrayData data, int depth = 0)
    {
        if (depth > 64)
        {
            return 0;
        }

        // Apache.Arrow leaves Children (and Buffers, when built without them) null rather than empty.
        long total = 0;
        foreach (ArrowBuffer buffer in data.Buffers ?? [])
        {
            total += buffer.Length;
        }

        foreach (ArrayData child in data.Children ?? [])
        {
            total += EstimateBytes(child, depth + 1);
        }

        if (data.Dictionary is not null)
        {
            total += EstimateBytes(data.Dictionary, depth + 1);
        }

        return total;
    }

    private static IEnumerable<RecordBatch> SliceBy(RecordBatch batch, int rows)
    {
        for (int offset = 0; offset < batch.Length; offset += rows)
        {
            yield return batch.Slice(offset, Math.Min(rows, batch.Length - offset));
        }
    }
}
