using System.Numerics;
using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class DecimalArrayTests
{
    [TestCase(32)]
    [TestCase(64)]
    [TestCase(128)]
    [TestCase(256)]
    public void Decimal_EveryWidth_RoundTripsDecimalAndString(int bitWidth)
    {
        var type = new DecimalType(9, 2, bitWidth);
        DecimalArray array = new DecimalArray.Builder(type).Append(-123.45m).AppendNull().Append(0.5m).Append(7m).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Data.Buffers[1].Length, Is.EqualTo(4 * bitWidth / 8));
            Assert.That(array.GetUnscaled(0), Is.EqualTo(new BigInteger(-12345)));
            Assert.That(array.GetDecimal(0), Is.EqualTo(-123.45m));
            Assert.That(array.GetString(0), Is.EqualTo("-123.45"));
            Assert.That(array.GetDecimal(1), Is.Null);
            Assert.That(array.GetString(1), Is.Null);
            Assert.That(array.GetString(2), Is.EqualTo("0.50"));
            Assert.That(array.GetDecimal(3), Is.EqualTo(7m));
            Assert.That(((DecimalArray)array.Slice(2, 2)).GetUnscaled(1), Is.EqualTo(new BigInteger(700)));
        });
    }

    [Test]
    public void Decimal256_BeyondSystemDecimal_GetDecimalThrowsOverflow()
    {
        var type = new DecimalType(76, 0, 256);
        BigInteger huge = BigInteger.Pow(10, 40);
        DecimalArray array = new DecimalArray.Builder(type).AppendUnscaled(huge).AppendUnscaled(-huge).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetUnscaled(0), Is.EqualTo(huge));
            Assert.That(array.GetUnscaled(1), Is.EqualTo(-huge));
            Assert.That(array.GetString(1), Is.EqualTo("-1" + new string('0', 40)));
            Assert.That(() => array.GetDecimal(0), Throws.TypeOf<OverflowException>());
            Assert.That(() => array.GetUnscaledInt128(0), Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Decimal_NegativeScale_FormatsAndConverts()
    {
        DecimalArray array = new DecimalArray.Builder(new DecimalType(5, -2, 64)).AppendUnscaled(123).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetString(0), Is.EqualTo("12300"));
            Assert.That(array.GetDecimal(0), Is.EqualTo(12300m));
        });
    }

    [Test]
    public void Decimal_SmallScaleAndLeadingZeros_Format()
    {
        DecimalArray array = new DecimalArray.Builder(new DecimalType(10, 5, 128)).AppendUnscaled(-42).AppendUnscaled(0).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.GetString(0), Is.EqualTo("-0.00042"));
            Assert.That(array.GetString(1), Is.EqualTo("0.00000"));
            Assert.That(array.GetUnscaledInt128(0), Is.EqualTo((Int128)(-42)));
        });
    }

    [Test]
    public void Builder_TooManyFractionalDigits_ThrowsArgumentException() =>
        Assert.That(() => new DecimalArray.Builder(new DecimalType(5, 1)).Append(1.25m), Throws.ArgumentException);

    [Test]
    public void Builder_ValueTooWideForBitWidth_ThrowsOverflow() =>
        Assert.That(() => new DecimalArray.Builder(new DecimalType(9, 0, 32)).AppendUnscaled(new BigInteger(long.MaxValue)), Throws.TypeOf<OverflowException>());
}
