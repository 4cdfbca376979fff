using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class TemporalArrayTests
{
    [Test]
    public void Date32_DateOnlyRoundTrip()
    {
        var date = new DateOnly(2024, 2, 29);
        Date32Array array = new Date32Array.Builder().Append(date).AppendNull().Append(-1).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetDateOnly(0), Is.EqualTo(date));
            Assert.That(array.GetValue(0), Is.EqualTo(19782));
            Assert.That(array.GetDateOnly(1), Is.Null);
            Assert.That(array.GetDateOnly(2), Is.EqualTo(new DateOnly(1969, 12, 31)));
        });
    }

    [Test]
    public void Date64_MillisecondsSinceEpoch()
    {
        Date64Array array = new Date64Array.Builder().Append(new DateOnly(1970, 1, 2)).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetValue(0), Is.EqualTo(86_400_000L));
            Assert.That(array.GetDateOnly(0), Is.EqualTo(new DateOnly(1970, 1, 2)));
            Assert.That(array.GetDateTime(0), Is.EqualTo(new DateTime(1970, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
        });
    }

    [TestCase(TimeUnit.Second, 3661L)]
    [TestCase(TimeUnit.Millisecond, 3_661_000L)]
    [TestCase(TimeUnit.Microsecond, 3_661_000_000L)]
    [TestCase(TimeUnit.Nanosecond, 3_661_000_000_000L)]
    public void Time_EveryUnit_ConvertsToTimeOnly(TimeUnit unit, long stored)
    {
        var type = new TimeType(unit);
        var expected = new TimeOnly(1, 1, 1);
        ArrowArray array = type.BitWidth == 32
            ? new Time32Array.Builder(type).Append(expected).Build()
            : new Time64Array.Builder(type).Append(expected).Build();
        Assert.Multiple(() =>
        {
            if (array is Time32Array t32)
            {
                Assert.That(t32.GetValue(0), Is.EqualTo(stored));
                Assert.That(t32.GetTimeOnly(0), Is.EqualTo(expected));
            }
            else
            {
                var t64 = (Time64Array)array;
                Assert.That(t64.GetValue(0), Is.EqualTo(stored));
                Assert.That(t64.GetTimeOnly(0), Is.EqualTo(expected));
                Assert.That(t64.GetTimeSpan(0), Is.EqualTo(expected.ToTimeSpan()));
            }
        });
    }

    [Test]
    public void Time32Builder_WithTime64Unit_Throws() =>
        Assert.That(() => new Time32Array.Builder(new TimeType(TimeUnit.Microsecond)), Throws.ArgumentException);

    [TestCase(TimeUnit.Second, 1L, 10_000_000L)]
    [TestCase(TimeUnit.Millisecond, 1L, 10_000L)]
    [TestCase(TimeUnit.Microsecond, 1L, 10L)]
    [TestCase(TimeUnit.Nanosecond, 250L, 2L)]
    [TestCase(TimeUnit.Nanosecond, -1L, -1L)]
    public void Timestamp_HonoursUnit(TimeUnit unit, long stored, long expectedTicksSinceEpoch)
    {
        TimestampArray array = new TimestampArray.Builder(new TimestampType(unit, "UTC")).Append(stored).AppendNull().Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetDateTimeOffset(0), Is.EqualTo(new DateTimeOffset(DateTimeOffset.UnixEpoch.Ticks + expectedTicksSinceEpoch, TimeSpan.Zero)));
            Assert.That(array.GetDateTimeOffset(1), Is.Null);
            Assert.That(array.TimestampType.Timezone, Is.EqualTo("UTC"));
        });
    }

    [Test]
    public void Timestamp_AppendDateTimeOffset_ConvertsToUnit()
    {
        var instant = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));
        TimestampArray array = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond)).Append(instant).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetValue(0), Is.EqualTo(instant.ToUnixTimeMilliseconds()));
            Assert.That(array.GetDateTimeOffset(0), Is.EqualTo(instant));
        });
    }

    [Test]
    public void Timestamp_OutOfDateTimeRange_ThrowsArgumentOutOfRange()
    {
        TimestampArray array = new TimestampArray.Builder(new TimestampType(TimeUnit.Second)).Append(long.MaxValue).Build();
        Assert.That(() => array.GetDateTimeOffset(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Duration_TimeSpanRoundTrip()
    {
        DurationArray array = new DurationArray.Builder(new DurationType(TimeUnit.Microsecond)).Append(TimeSpan.FromSeconds(-1.5)).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetValue(0), Is.EqualTo(-1_500_000L));
            Assert.That(array.GetTimeSpan(0), Is.EqualTo(TimeSpan.FromSeconds(-1.5)));
            Assert.That(array.Unit, Is.EqualTo(TimeUnit.Microsecond));
        });
    }
}
