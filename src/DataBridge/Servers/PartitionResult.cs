namespace DataBridge.Servers;

/// <summary>The result uploaded for one partition of a <see cref="DataServer"/> (the first complete upload).</summary>
/// <param name="Partition">The partition index.</param>
/// <param name="Schema">The schema of the uploaded Arrow stream.</param>
/// <param name="Batches">The uploaded batches, owned by the server until it is disposed (or by a <see cref="DistributedRunResult"/>).</param>
/// <param name="Rows">Total rows of <paramref name="Batches"/>.</param>
public sealed record PartitionResult(int Partition, Schema Schema, IReadOnlyList<RecordBatch> Batches, long Rows);
