using DataBridge.Arrow;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Arrow;

public class PrimitiveArrayTests
{
    [Test]
    public void Int32Builder_ValuesAndNulls_ReadBack()
    {
        Int32Array array = new Int32Array.Builder().Append(1).AppendNull().Append(3).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(3));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.GetNullable(0), Is.EqualTo(1));
            Assert.That(array.GetNullable(1), Is.Null);
            Assert.That(array.GetValue(1), Is.Zero);
            Assert.That(array.GetNullable(2), Is.EqualTo(3));
            Assert.That(array.Values.ToArray(), Is.EqualTo(new[] { 1, 0, 3 }));
        });
    }

    [Test]
    public void Builder_NoNulls_OmitsValidityBitmap()
    {
        Int64Array array = new Int64Array.Builder().AppendRange([1L, 2L, 3L]).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Data.Validity.IsEmpty, Is.True);
            Assert.That(array.NullCount, Is.Zero);
            Assert.That(array.Values.ToArray(), Is.EqualTo(new[] { 1L, 2L, 3L }));
        });
    }

    [Test]
    public void Builder_AfterBuild_IsEmptyAndReusable()
    {
        var builder = new Int16Array.Builder();
        builder.Append(1).AppendNull();
        Int16Array first = builder.Build();
        Assert.That(builder.Length, Is.Zero);
        Int16Array second = builder.Append(7).Build();
        Assert.Multiple(() =>
        {
            Assert.That(first.Length, Is.EqualTo(2));
            Assert.That(second.Length, Is.EqualTo(1));
            Assert.That(second.NullCount, Is.Zero);
            Assert.That(second.GetValue(0), Is.EqualTo(7));
        });
    }

    [Test]
    public void Slice_ValuesAreOffsetAdjusted()
    {
        var builder = new DoubleArray.Builder();
        for (int i = 0; i < 20; i++)
        {
            builder.Append(i % 3 == 0 ? null : i * 1.5);
        }

        var array = (DoubleArray)builder.Build().Slice(5, 10);
        Assert.Multiple(() =>
        {
            Assert.That(array.Offset, Is.EqualTo(5));
            Assert.That(array.Length, Is.EqualTo(10));
            Assert.That(array.Values.Length, Is.EqualTo(10));
            for (int i = 0; i < 10; i++)
            {
                int source = i + 5;
                Assert.That(array.GetNullable(i), Is.EqualTo(source % 3 == 0 ? null : source * 1.5), $"element {i}");
                Assert.That(array.Values[i], Is.EqualTo(source % 3 == 0 ? 0 : source * 1.5));
            }

            Assert.That(array.NullCount, Is.EqualTo(3));
        });
    }

    [Test]
    public void EmptyArray_HasNoValues()
    {
        UInt8Array array = new UInt8Array.Builder().Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.Zero);
            Assert.That(array.Values.IsEmpty, Is.True);
            Assert.That(array.Data.Buffers[1].IsEmpty, Is.True);
            Assert.That(() => array.GetValue(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void GetValue_OutOfRange_ThrowsArgumentOutOfRange()
    {
        Int32Array array = new Int32Array.Builder().AppendRange([1, 2, 3]).Build();
        Assert.Multiple(() =>
        {
            Assert.That(() => array.GetValue(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => array.GetValue(3), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => ((Int32Array)array.Slice(1, 2)).GetValue(2), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Constructor_ValuesBufferTooSmall_ThrowsArgumentException()
    {
        var data = new ArrayData(IntType.Int32, 4, 0, 1, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([1, 2, 3, 4])]);
        Assert.That(() => new Int32Array(data), Throws.ArgumentException);
    }

    [Test]
    public void Constructor_WrongSignedness_ThrowsArgumentException()
    {
        var data = new ArrayData(IntType.UInt32, 1, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<uint>([1])]);
        Assert.That(() => new Int32Array(data), Throws.ArgumentException);
    }

    [Test]
    public void Create_EveryIntegerType_MapsToItsClass()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Make(IntType.Int8, 1), Is.TypeOf<Int8Array>());
            Assert.That(Make(IntType.Int16, 2), Is.TypeOf<Int16Array>());
            Assert.That(Make(IntType.Int32, 4), Is.TypeOf<Int32Array>());
            Assert.That(Make(IntType.Int64, 8), Is.TypeOf<Int64Array>());
            Assert.That(Make(IntType.UInt8, 1), Is.TypeOf<UInt8Array>());
            Assert.That(Make(IntType.UInt16, 2), Is.TypeOf<UInt16Array>());
            Assert.That(Make(IntType.UInt32, 4), Is.TypeOf<UInt32Array>());
            Assert.That(Make(IntType.UInt64, 8), Is.TypeOf<UInt64Array>());
            Assert.That(Make(FloatingPointType.Float16, 2), Is.TypeOf<HalfFloatArray>());
            Assert.That(Make(FloatingPointType.Float32, 4), Is.TypeOf<FloatArray>());
            Assert.That(Make(FloatingPointType.Float64, 8), Is.TypeOf<DoubleArray>());
            Assert.That(Make(DateType.Date32, 4), Is.TypeOf<Date32Array>());
            Assert.That(Make(DateType.Date64, 8), Is.TypeOf<Date64Array>());
            Assert.That(Make(new TimeType(TimeUnit.Millisecond), 4), Is.TypeOf<Time32Array>());
            Assert.That(Make(new TimeType(TimeUnit.Nanosecond), 8), Is.TypeOf<Time64Array>());
            Assert.That(Make(new TimestampType(TimeUnit.Second, "UTC"), 8), Is.TypeOf<TimestampArray>());
            Assert.That(Make(new DurationType(TimeUnit.Second), 8), Is.TypeOf<DurationArray>());
            Assert.That(Make(IntervalType.YearMonth, 4), Is.TypeOf<YearMonthIntervalArray>());
            Assert.That(Make(IntervalType.DayTime, 8), Is.TypeOf<DayTimeIntervalArray>());
            Assert.That(Make(IntervalType.MonthDayNano, 16), Is.TypeOf<MonthDayNanoIntervalArray>());
        });

        static ArrowArray Make(ArrowType type, int width) =>
            ArrowArray.Create(new ArrayData(type, 2, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(new byte[2 * width])]));
    }

    [Test]
    public void Builder_MillionValues_AllocatesPerBufferNotPerValue()
    {
        var allocator = new CountingAllocator();
        var builder = new Int64Array.Builder(allocator);
        for (int i = 0; i < 1_000_000; i++)
        {
            builder.Append(i);
        }

        Int64Array array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetValue(999_999), Is.EqualTo(999_999));
            // Geometric growth from 64 bytes to 8 MB: about log2(8e6 / 64) = 17 allocations for the one buffer.
            Assert.That(allocator.Allocations, Is.LessThanOrEqualTo(20));
        });
    }

    [Test]
    public void Builder_ReservedThenAppendRange_AllocatesOncePerBuffer()
    {
        var allocator = new CountingAllocator();
        var builder = new Int32Array.Builder(allocator);
        builder.Reserve(100_000);
        var chunk = new int[1000];
        for (int i = 0; i < 100; i++)
        {
            builder.AppendRange(chunk);
        }

        builder.AppendNull();
        Int32Array array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(100_001));
            // values: 1 reserved buffer + 1 growth for the trailing null; validity: materialised once at the null.
            Assert.That(allocator.Allocations, Is.LessThanOrEqualTo(3));
            Assert.That(allocator.Sizes.Max(), Is.LessThan(2 * 100_001 * sizeof(int) + 128));
        });
    }

    [Test]
    public void Builder_BuffersAre64ByteAligned()
    {
        Int32Array array = new Int32Array.Builder().AppendRange([1, 2, 3]).AppendNull().Build();
        unsafe
        {
            fixed (byte* values = array.Data.Buffers[1].Span)
            fixed (byte* validity = array.Data.Buffers[0].Span)
            {
                Assert.That((ulong)values % 64, Is.EqualTo(0UL));
                Assert.That((ulong)validity % 64, Is.EqualTo(0UL));
            }
        }
    }

    [Test]
    public void AppendFrom_CopiesValuesAndNulls()
    {
        Int32Array source = new Int32Array.Builder().Append(5).AppendNull().Build();
        var builder = new Int32Array.Builder();
        builder.AppendFrom(source, 1);
        builder.AppendFrom(source, 0);
        Int32Array copy = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(copy.GetNullable(0), Is.Null);
            Assert.That(copy.GetNullable(1), Is.EqualTo(5));
            Assert.That(() => builder.AppendFrom(new Int64Array.Builder().Append(1).Build(), 0), Throws.ArgumentException);
        });
    }

    [Test]
    public void HalfAndIntervals_ReadBack()
    {
        HalfFloatArray halves = new HalfFloatArray.Builder().Append((Half)1.5).AppendNull().Build();
        DayTimeIntervalArray dayTime = new DayTimeIntervalArray.Builder().Append(new DayTimeInterval(3, -5)).Build();
        MonthDayNanoIntervalArray mdn = new MonthDayNanoIntervalArray.Builder().Append(new MonthDayNanoInterval(1, 2, 3_000_000_000L)).Build();
        Assert.Multiple(() =>
        {
            Assert.That(halves.GetNullable(0), Is.EqualTo((Half)1.5));
            Assert.That(halves.GetNullable(1), Is.Null);
            Assert.That(dayTime.GetValue(0), Is.EqualTo(new DayTimeInterval(3, -5)));
            Assert.That(dayTime.Data.Buffers[1].Length, Is.EqualTo(8));
            Assert.That(mdn.GetValue(0), Is.EqualTo(new MonthDayNanoInterval(1, 2, 3_000_000_000L)));
            Assert.That(mdn.Data.Buffers[1].Length, Is.EqualTo(16));
        });
    }
}
