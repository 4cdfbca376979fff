namespace DataBridge;

/// <summary>
/// Progress of a run or of an executor-mode call, reported to <see cref="RunContext.Progress"/> as batches
/// move (at most once per batch, on the thread that moved it).
/// </summary>
/// <param name="RowsSent">Rows sent to Python so far.</param>
/// <param name="BytesSent">Arrow buffer bytes sent so far.</param>
/// <param name="RowsReceived">Rows received from Python so far.</param>
/// <param name="BytesReceived">Arrow buffer bytes received so far.</param>
/// <param name="PartitionsDone">Partitions finished (executor mode; 0 or 1 in driver mode).</param>
/// <param name="PartitionsTotal">Partitions in the call (1 in driver mode).</param>
public readonly record struct RunProgress(long RowsSent, long BytesSent, long RowsReceived, long BytesReceived, int PartitionsDone, int PartitionsTotal);
