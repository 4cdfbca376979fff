namespace DataBridge.Cli.Canonical;

/// <summary>The schema and record batches read from a canonical JSON document (<see cref="CanonicalJson"/>).</summary>
internal sealed class CanonicalJsonContent
{
    internal CanonicalJsonContent(Schema schema, IReadOnlyList<RecordBatch> batches, string endianness, IReadOnlyList<long> dictionaryIds)
    {
        DictionaryIds = dictionaryIds;
        Schema = schema;
        Batches = batches;
        Endianness = endianness;
    }

    /// <summary>The schema.</summary>
    public Schema Schema { get; }

    /// <summary>The record batches, in document order.</summary>
    public IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>
    /// The byte order the document says its source stream had: <c>Little</c> or <c>Big</c>. The values
    /// themselves do not depend on it; the arrays built from them are always little-endian.
    /// </summary>
    public string Endianness { get; }

    /// <summary>
    /// The document's dictionary ids, one per dictionary-encoded field in pre-order (a field before its
    /// children): Apache.Arrow's <see cref="DictionaryType"/> has none, and fields sharing an id share one
    /// dictionary array.
    /// </summary>
    internal IReadOnlyList<long> DictionaryIds { get; }
}
