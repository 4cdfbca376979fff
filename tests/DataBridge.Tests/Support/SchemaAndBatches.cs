using DataBridge.Arrow;

namespace DataBridge.Tests.Support;

/// <summary>A generated schema with batches of it.</summary>
/// <param name="Schema">The schema.</param>
/// <param name="Batches">The batches (some may be slices).</param>
internal sealed record SchemaAndBatches(Schema Schema, RecordBatch[] Batches)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"schema:{Environment.NewLine}{ArrowTypeText.Of(Schema)}{Environment.NewLine}batches: {string.Join(", ", Batches.Select(b => $"{b.Length} rows (offset {(b.ColumnCount > 0 ? b.Column(0).Offset : 0)})"))}";
}
