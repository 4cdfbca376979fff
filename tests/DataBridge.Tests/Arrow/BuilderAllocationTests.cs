using DataBridge.Arrow;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Arrow;

/// <summary>Builders allocate per buffer (geometric growth), never per value.</summary>
public class BuilderAllocationTests
{
    [Test]
    public void StringBuilder_ReservedCapacity_AllocatesOncePerBuffer()
    {
        var allocator = new CountingAllocator();
        var builder = new StringArray.Builder(allocator).Reserve(10_000, 10_000 * 5);
        for (int i = 0; i < 10_000; i++)
        {
            builder.Append("abcde");
        }

        StringArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetString(9_999), Is.EqualTo("abcde"));
            Assert.That(allocator.Allocations, Is.EqualTo(2), "offsets + data, no validity");
        });
    }

    [Test]
    public void NestedBuilder_ManyValues_AllocationsGrowLogarithmically()
    {
        var allocator = new CountingAllocator();
        var type = new ListType(new StructType([new Field("a", IntType.Int32), new Field("b", BooleanType.Default)]));
        var builder = new ListArray.Builder(type, allocator);
        var structs = builder.GetValueBuilder<StructArray.Builder>();
        for (int i = 0; i < 100_000; i++)
        {
            builder.Append();
            structs.GetFieldBuilder<Int32Array.Builder>(0).Append(i);
            structs.GetFieldBuilder<BooleanArray.Builder>(1).Append(i % 2 == 0);
            structs.Append();
        }

        ListArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(100_000));
            // Three growing buffers (offsets, a, b), each doubling from 64 bytes: ~15 allocations apiece.
            Assert.That(allocator.Allocations, Is.LessThan(60));
        });
    }

    [Test]
    public void ValidityBitmap_IsAllocatedOnlyAtFirstNull()
    {
        var allocator = new CountingAllocator();
        var builder = new DoubleArray.Builder(allocator).Reserve(1000);
        builder.AppendRange(new double[999]);
        long beforeNull = allocator.Allocations;
        builder.AppendNull();
        DoubleArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(beforeNull, Is.EqualTo(1));
            Assert.That(allocator.Allocations, Is.EqualTo(2));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.IsNull(999), Is.True);
            Assert.That(array.IsNull(998), Is.False);
        });
    }
}
