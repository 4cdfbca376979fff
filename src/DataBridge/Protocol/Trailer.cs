namespace DataBridge.Protocol;

/// <summary>
/// The body of a <see cref="FrameCode.Trailer"/> frame: the row and batch counts of the Arrow stream one
/// side just sent, so the receiver can prove nothing was lost.
/// </summary>
/// <param name="Rows">Total rows of all record batches in the stream.</param>
/// <param name="Batches">Number of record batches in the stream.</param>
internal readonly record struct Trailer(long Rows, long Batches)
{
    /// <summary>The encoded size: int64 rows + int64 batches.</summary>
    public const int Size = 16;
}
