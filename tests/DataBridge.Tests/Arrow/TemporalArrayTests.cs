using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

/// <summary>
/// The conversions between Arrow's temporal storage and .NET types that our temporal arrays used to do, now in
/// <see cref="TemporalConversions"/> (the frames and the MDA bridge use them).
/// </summary>
public class TemporalArrayTests
{
    [Test]
    public void Date32_DateOnlyRoundTrip()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TemporalConversions.FromDate32(0), Is.EqualTo(new DateOnly(1970, 1, 1)));
            Assert.That(TemporalConversions.FromDate32(-1), Is.EqualTo(new DateOnly(1969, 12, 31)));
            Assert.That(TemporalConversions.FromDate32(19_782), Is.EqualTo(new DateOnly(2024, 2, 29)));
        });
    }

    [Test]
    public void Date64_MillisecondsSinceEpoch() =>
        Assert.That(TemporalConversions.FromDate64(86_400_000), Is.EqualTo(new DateTime(1970, 1, 2, 0, 0, 0, DateTimeKind.Utc)));

    [TestCase(TimeUnit.Second, 1L, 10_000_000L)]
    [TestCase(TimeUnit.Millisecond, 1L, 10_000L)]
    [TestCase(TimeUnit.Microsecond, 1L, 10L)]
    [TestCase(TimeUnit.Nanosecond, 100L, 1L)]
    public void Ticks_HonourUnitBothWays(TimeUnit unit, long stored, long ticks)
    {
        Assert.Multiple(() =>
        {
            Assert.That(TemporalConversions.ToTicks(stored, unit), Is.EqualTo(ticks));
            Assert.That(TemporalConversions.FromTicks(ticks, unit), Is.EqualTo(stored));
            Assert.That(TemporalConversions.ToTimeSpan(stored, unit), Is.EqualTo(TimeSpan.FromTicks(ticks)));
        });
    }

    [Test]
    public void Duration_NegativeValues_ConvertToNegativeTimeSpan() =>
        Assert.That(TemporalConversions.ToTimeSpan(-1_500_000, TimeUnit.Microsecond), Is.EqualTo(TimeSpan.FromSeconds(-1.5)));
}
