using System.Buffers.Binary;
using DataBridge.Protocol;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// Issue 15 item 1 (bounded regions): the bridge's input region is a ring. Ranges start after the 64-byte header, are
/// written again only once the worker's header word says it released them (oldest first), never wrap inside one range,
/// and a write that finds no room is refused (the socket takes it) instead of waiting.
/// </summary>
[TestFixture]
public sealed class SharedRingWriterTests
{
    [Test]
    public void Ranges_StartAfterTheHeader_AndFollowEachOther()
    {
        var region = new ArrayRegion(64 + 300);
        var ring = new SharedRingWriter(region);
        var frames = new List<(long, long)>();

        Assert.That(ring.TryAppend(Bytes(100, 1), Record(frames)), Is.True);
        ring.Emit(Record(frames));
        Assert.That(ring.TryAppend(Bytes(100, 2), Record(frames)), Is.True);
        ring.Emit(Record(frames));

        Assert.That(frames, Is.EqualTo(new[] { (64L, 100L), (164L, 100L) }));
        Assert.That((region.Bytes[64], region.Bytes[164], ring.HighWater), Is.EqualTo(((byte)1, (byte)2, 264L)));
    }

    [Test]
    public void FullRegion_RefusesAWrite_UntilTheWorkerReleasesTheOldestRanges_ThenWritesFromTheStart()
    {
        var region = new ArrayRegion(64 + 300);
        var ring = new SharedRingWriter(region);
        var frames = new List<(long, long)>();
        for (int i = 0; i < 3; i++)
        {
            Assert.That(ring.TryAppend(Bytes(100, (byte)i), Record(frames)), Is.True);
            ring.Emit(Record(frames));
        }

        Assert.That(ring.TryAppend(Bytes(100, 9), Record(frames)), Is.False, "the worker still reads all three ranges");

        BinaryPrimitives.WriteInt64LittleEndian(region.Bytes, 1); // the worker released the first range
        Assert.That(ring.TryAppend(Bytes(100, 9), Record(frames)), Is.True);
        ring.Emit(Record(frames));
        Assert.That(ring.TryAppend(Bytes(1, 9), Record(frames)), Is.False, "the second range is still read");

        Assert.That(frames[^1], Is.EqualTo((64L, 100L)), "written from the start again");
        Assert.That(region.Bytes[164], Is.EqualTo(1), "the unreleased second range is untouched");
    }

    [Test]
    public void ARangeNeverWraps_TheOpenRangeIsNamedAndANewOneStartsAtTheRegionsStart()
    {
        var region = new ArrayRegion(64 + 300);
        var ring = new SharedRingWriter(region);
        var frames = new List<(long, long)>();
        Assert.That(ring.TryAppend(Bytes(150, 1), Record(frames)), Is.True);
        ring.Emit(Record(frames));
        Assert.That(ring.TryAppend(Bytes(100, 2), Record(frames)), Is.True); // [214, 314), still open
        BinaryPrimitives.WriteInt64LittleEndian(region.Bytes, 1); // the first range is released
        Assert.That(ring.TryAppend(Bytes(100, 3), Record(frames)), Is.True); // no room at the end: [64, 164)
        ring.Emit(Record(frames));

        Assert.That(frames, Is.EqualTo(new[] { (64L, 150L), (214L, 100L), (64L, 100L) }));
    }

    [Test]
    public void AWorkerClaimingMoreThanWasSent_IsNotBelieved_AndWritesStayInTheRegion()
    {
        var region = new ArrayRegion(64 + 100);
        var ring = new SharedRingWriter(region);
        var frames = new List<(long, long)>();
        BinaryPrimitives.WriteInt64LittleEndian(region.Bytes, long.MaxValue);

        Assert.That(ring.TryAppend(Bytes(100, 1), Record(frames)), Is.True);
        Assert.That(ring.TryAppend(Bytes(1, 1), Record(frames)), Is.False);
        ring.Emit(Record(frames));
        Assert.That(ring.TryAppend(Bytes(200, 1), Record(frames)), Is.False, "larger than the region");
        Assert.That(frames, Is.EqualTo(new[] { (64L, 100L) }));
    }

    private static byte[] Bytes(int count, byte value) => Enumerable.Repeat(value, count).ToArray();

    private static Action<long, long> Record(List<(long, long)> frames) => (offset, length) => frames.Add((offset, length));
}
