using DataBridge.Internal;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Protocol;

[TestFixture]
public sealed class BatchSlicerTests
{
    [Test]
    public void Slice_WithinBounds_ReturnsTheBatchItself()
    {
        RecordBatch batch = Batches.Sample(100);

        Assert.That(BatchSlicer.Slice(batch, 1000, 1 << 20).Single(), Is.SameAs(batch));
    }

    [Test]
    public void Slice_OverRowBound_SlicesByRows()
    {
        Assert.That(BatchSlicer.Slice(Batches.Sample(2500), 1000, 1 << 30).Select(b => b.Length), Is.EqualTo(new[] { 1000, 1000, 500 }));
    }

    [Test]
    public void Slice_OverByteBound_SlicesSoEachPieceFits()
    {
        RecordBatch batch = Batches.Sample(10_000);
        long bytes = BatchSlicer.EstimateBytes(batch);

        RecordBatch[] slices = [.. BatchSlicer.Slice(batch, 1_000_000, bytes / 4)];

        Assert.That(slices, Has.Length.GreaterThanOrEqualTo(4));
        Assert.That(slices.Sum(s => s.Length), Is.EqualTo(10_000));
        Assert.That(slices.All(s => (long)s.Length * bytes / batch.Length <= bytes / 4), Is.True);
    }
}
