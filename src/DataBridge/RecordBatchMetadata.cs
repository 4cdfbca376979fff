using System.Runtime.CompilerServices;

namespace DataBridge;

/// <summary>
/// Custom metadata of a record batch (the key/value pairs of its IPC message, <c>Message.custom_metadata</c>),
/// which Apache.Arrow's <see cref="RecordBatch"/> has no place for.
/// </summary>
/// <remarks>
/// The metadata is attached to the <see cref="RecordBatch"/> object: <see cref="Ipc.ArrowIpcWriter"/> writes a
/// batch's metadata on its message, the bridge sends it to Python with the batch (and with every slice it cuts the
/// batch into), and every batch read by <see cref="Ipc.ArrowIpcReader"/> — a run's output included — carries the
/// metadata of its message. Python sees it as <c>batch.metadata</c> and as <c>df.attrs["databridge.metadata"]</c>
/// (docs/pandas-mapping.md). A new batch built from this one (a slice, a concatenation) does not inherit it.
/// The association holds the batch weakly: it never keeps a batch alive.
/// </remarks>
public static class RecordBatchMetadata
{
    private static readonly ConditionalWeakTable<RecordBatch, IReadOnlyList<KeyValuePair<string, string>>> Attached = new();

    /// <summary>Attaches custom metadata to <paramref name="batch"/> (replacing any attached before) and returns the batch.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="metadata">The key/value pairs, in order; keys may repeat, as the format allows. Empty removes the metadata.</param>
    /// <returns><paramref name="batch"/> itself.</returns>
    /// <exception cref="ArgumentException">A key or value is null.</exception>
    public static RecordBatch WithCustomMetadata(this RecordBatch batch, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(metadata);
        KeyValuePair<string, string>[] pairs = metadata.ToArray();
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            if (pair.Key is null || pair.Value is null)
            {
                throw new ArgumentException("A custom metadata key or value is null.", nameof(metadata));
            }
        }

        Set(batch, pairs);
        return batch;
    }

    /// <summary>The custom metadata attached to <paramref name="batch"/> (empty when none).</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The key/value pairs in their order.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> GetCustomMetadata(this RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Attached.TryGetValue(batch, out IReadOnlyList<KeyValuePair<string, string>>? pairs) ? pairs : [];
    }

    /// <summary>Attaches (or, when empty, removes) the pairs without copying or checking them.</summary>
    internal static void Set(RecordBatch batch, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            Attached.Remove(batch);
        }
        else
        {
            Attached.AddOrUpdate(batch, pairs);
        }
    }
}
