using DataBridge.Ipc;
using DataBridge.Tests.Servers;

namespace DataBridge.Tests.Ipc;

/// <summary>The pool behind record-batch bodies read from streams (size classes, budget, idle release).</summary>
public class BodyBufferPoolTests
{
    private const int FourMegabyteBody = 65_536 * 64 + 4 * 8_192; // 8 int64/float64 columns + 4 validity bitmaps

    [Test]
    public void Rent_UpToOneMebibyte_UsesTheSharedPoolsPowerOfTwoArrays()
    {
        var pool = new BodyBufferPool(64 << 20);

        byte[] array = pool.Rent(600_000);

        Assert.That(array, Has.Length.EqualTo(1 << 20));
        pool.Return(array);
        Assert.That(pool.RetainedBytes, Is.Zero);
    }

    [Test]
    public void Rent_LargeBody_GetsThe256KiBClassAboveIt_NotTheNextPowerOfTwo()
    {
        var pool = new BodyBufferPool(64 << 20);

        byte[] array = pool.Rent(FourMegabyteBody);

        Assert.That(array, Has.Length.EqualTo(17 * BodyBufferPool.Granule));
        Assert.That(array.Length - FourMegabyteBody, Is.LessThan(BodyBufferPool.Granule));
    }

    [Test]
    public void Return_ThenRentOfTheSameClass_HandsBackTheSameArray()
    {
        var pool = new BodyBufferPool(64 << 20);
        byte[] first = pool.Rent(FourMegabyteBody);
        pool.Return(first);

        byte[] second = pool.Rent(FourMegabyteBody - 1000);

        Assert.That(second, Is.SameAs(first));
        Assert.That(pool.RetainedBytes, Is.Zero);
    }

    [Test]
    public void Return_BeyondTheBudget_IsLeftToTheGarbageCollector()
    {
        var pool = new BodyBufferPool(10 << 20);
        byte[][] arrays = [pool.Rent(4 << 20), pool.Rent(4 << 20), pool.Rent(4 << 20)];

        foreach (byte[] array in arrays)
        {
            pool.Return(array);
        }

        Assert.That(pool.RetainedBytes, Is.EqualTo(8L << 20));
        Assert.That(pool.Rent(4 << 20), Is.SameAs(arrays[1]), "the most recently kept array comes back first");
    }

    [Test]
    public void ZeroBudget_KeepsNothing()
    {
        var pool = new BodyBufferPool(0);
        byte[] array = pool.Rent(2 << 20);

        pool.Return(array);

        Assert.That(pool.RetainedBytes, Is.Zero);
        Assert.That(pool.Rent(2 << 20), Is.Not.SameAs(array));
    }

    [Test]
    public void KeptArrays_UnusedForTheIdlePeriod_AreReleased_RecentOnesStay()
    {
        var clock = new FakeTimeProvider();
        var pool = new BodyBufferPool(64 << 20, clock);
        pool.Return(pool.Rent(2 << 20));
        clock.Advance(BodyBufferPool.IdleRelease / 2);
        byte[] recent = pool.Rent(3 << 20);
        pool.Return(recent);

        clock.Advance(BodyBufferPool.IdleRelease / 2 + TimeSpan.FromSeconds(1));
        Assert.That(pool.RetainedBytes, Is.EqualTo((long)recent.Length), "the array idle for the whole period is gone");

        clock.Advance(BodyBufferPool.IdleRelease);
        Assert.That(pool.RetainedBytes, Is.Zero);
    }

    [Test]
    public void ForeignArray_OfAnOddLength_IsNotKept()
    {
        var pool = new BodyBufferPool(64 << 20);

        pool.Return(new byte[(2 << 20) + 1]);

        Assert.That(pool.RetainedBytes, Is.Zero);
    }

    [Test]
    public void NegativeBudget_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BodyBufferPool(-1));
}
