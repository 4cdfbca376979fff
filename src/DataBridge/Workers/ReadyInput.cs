namespace DataBridge.Workers;

/// <summary>
/// A run's input that is all at hand before the run starts (an in-memory collection of batches): writing it never waits
/// for anything, so the run header is not sent ahead of it and small flushes are left for the closing frames' one.
/// </summary>
/// <param name="Bytes">Its Arrow buffer bytes when it is a few batches (<see cref="WorkerRun.InlineInputMaxBatches"/>), else
/// null. An input of at most <see cref="WorkerRun.InlineInputBytes"/> is written on the caller's thread: it fits the
/// socket's buffer, so writing it cannot block on a worker that writes output before reading its input.</param>
internal sealed record ReadyInput(long? Bytes);
