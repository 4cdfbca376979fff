using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of fixed-point decimals: each value is a little-endian two's complement integer of the
/// type's bit width (32, 64, 128 or 256), the unscaled value; the number is <c>unscaled × 10^-Scale</c>.
/// </summary>
public sealed class DecimalArray : ArrowArray
{
    /// <summary>The largest magnitude a <see cref="decimal"/> mantissa holds (2^96 - 1).</summary>
    private static readonly BigInteger MaxDecimalMantissa = (BigInteger.One << 96) - 1;

    /// <summary>Wraps decimal array data.</summary>
    /// <exception cref="ArgumentException">The data is not decimal or its buffers are too small.</exception>
    public DecimalArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.Decimal);
        ArrayChecks.RequireValidity(data);
        DecimalType = (DecimalType)data.Type;
        ArrayChecks.RequireFixedWidth(data, 1, DecimalType.ByteWidth);
    }

    /// <summary>The type (precision, scale, bit width).</summary>
    public DecimalType DecimalType { get; }

    /// <summary>The raw little-endian bytes of element <paramref name="index"/> (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public ReadOnlySpan<byte> GetBytes(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        int width = DecimalType.ByteWidth;
        return Data.Buffers[1].Span.Slice((Offset + index) * width, width);
    }

    /// <summary>The unscaled integer of element <paramref name="index"/>, whether or not it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public BigInteger GetUnscaled(int index)
    {
        ReadOnlySpan<byte> bytes = GetBytes(index);
        return bytes.Length switch
        {
            4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            _ => new BigInteger(bytes, isUnsigned: false, isBigEndian: false),
        };
    }

    /// <summary>The unscaled integer of element <paramref name="index"/> of a decimal of at most 128 bits (no allocation).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    /// <exception cref="InvalidOperationException">The type is decimal256.</exception>
    public Int128 GetUnscaledInt128(int index)
    {
        ReadOnlySpan<byte> bytes = GetBytes(index);
        return bytes.Length switch
        {
            4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            16 => BinaryPrimitives.ReadInt128LittleEndian(bytes),
            _ => throw new InvalidOperationException("A decimal256 value does not fit in Int128; use GetUnscaled."),
        };
    }

    /// <summary>Element <paramref name="index"/> as a <see cref="decimal"/>, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    /// <exception cref="OverflowException">The value is not exactly representable as a <see cref="decimal"/>.</exception>
    public decimal? GetDecimal(int index)
    {
        BigInteger unscaled = GetUnscaled(index);
        if (IsNull(index))
        {
            return null;
        }

        int scale = DecimalType.Scale;
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        // decimal holds at most 28 fractional digits: drop trailing zeros beyond that, refuse real digits.
        while (scale > 28 && !unscaled.IsZero && (unscaled % 10).IsZero)
        {
            unscaled /= 10;
            scale--;
        }

        if (unscaled.IsZero)
        {
            return 0m;
        }

        BigInteger magnitude = BigInteger.Abs(unscaled);
        if (scale > 28 || magnitude > MaxDecimalMantissa)
        {
            throw new OverflowException($"The decimal value {GetString(index)} cannot be represented as System.Decimal.");
        }

        int lo = (int)(uint)(magnitude & uint.MaxValue);
        int mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        int hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>
    /// Element <paramref name="index"/> as an invariant-culture string, e.g. <c>-123.45</c> for unscaled
    /// -12345 at scale 2 and <c>12300</c> for 123 at scale -2; null for a null element.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public string? GetString(int index)
    {
        BigInteger unscaled = GetUnscaled(index);
        return IsNull(index) ? null : Format(unscaled, DecimalType.Scale);
    }

    internal static string Format(BigInteger unscaled, int scale)
    {
        string digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        string sign = unscaled.Sign < 0 ? "-" : string.Empty;
        if (scale <= 0)
        {
            return unscaled.IsZero ? "0" : sign + digits + new string('0', -scale);
        }

        if (digits.Length <= scale)
        {
            digits = new string('0', scale - digits.Length + 1) + digits;
        }

        return sign + digits[..^scale] + "." + digits[^scale..];
    }

    /// <summary>Builds <see cref="DecimalArray"/> instances. After <see cref="Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : IArrowArrayBuilder, IBinaryValueAppender
    {
        private readonly DecimalType _type;
        private readonly FixedWidthBinaryBuilder _core;

        /// <summary>Creates a builder.</summary>
        /// <param name="type">Precision, scale and bit width.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(DecimalType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            _core = new FixedWidthBinaryBuilder(type, type.ByteWidth, allocator);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _core.Length;

        /// <inheritdoc />
        public int NullCount => _core.NullCount;

        /// <summary>Appends a number, rescaled exactly to the type's scale. The precision is not enforced.</summary>
        /// <exception cref="ArgumentException">Rescaling would drop non-zero digits.</exception>
        /// <exception cref="OverflowException">The unscaled value does not fit the bit width.</exception>
        public Builder Append(decimal value)
        {
            Span<int> bits = stackalloc int[4];
            decimal.GetBits(value, bits);
            var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
            if (value < 0)
            {
                mantissa = -mantissa;
            }

            int valueScale = (bits[3] >> 16) & 0xFF;
            int shift = _type.Scale - valueScale;
            if (shift >= 0)
            {
                return AppendUnscaled(mantissa * BigInteger.Pow(10, shift));
            }

            BigInteger divisor = BigInteger.Pow(10, -shift);
            BigInteger quotient = BigInteger.DivRem(mantissa, divisor, out BigInteger remainder);
            return remainder.IsZero
                ? AppendUnscaled(quotient)
                : throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} has more than {_type.Scale} fractional digits.", nameof(value));
        }

        /// <summary>Appends a number, or a null.</summary>
        /// <exception cref="ArgumentException">Rescaling would drop non-zero digits.</exception>
        /// <exception cref="OverflowException">The unscaled value does not fit the bit width.</exception>
        public Builder Append(decimal? value) => value.HasValue ? Append(value.GetValueOrDefault()) : AppendNull();

        /// <summary>Appends an unscaled integer (the number times 10^Scale).</summary>
        /// <exception cref="OverflowException"><paramref name="unscaled"/> does not fit the bit width.</exception>
        public Builder AppendUnscaled(BigInteger unscaled)
        {
            int width = _type.ByteWidth;
            if (unscaled.GetByteCount(isUnsigned: false) > width)
            {
                throw new OverflowException($"{unscaled} does not fit a {_type.BitWidth}-bit decimal.");
            }

            Span<byte> slot = _core.AppendSlot();
            unscaled.TryWriteBytes(slot, out int written, isUnsigned: false, isBigEndian: false);
            slot[written..].Fill(unscaled.Sign < 0 ? (byte)0xFF : (byte)0);
            return this;
        }

        /// <summary>Appends a value given as its raw little-endian two's complement bytes of the type's width.</summary>
        /// <exception cref="ArgumentException"><paramref name="bytes"/> has another length.</exception>
        public Builder AppendBytes(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length != _type.ByteWidth)
            {
                throw new ArgumentException($"A {_type} value is {_type.ByteWidth} bytes, got {bytes.Length}.", nameof(bytes));
            }

            _core.Append(bytes);
            return this;
        }

        /// <summary>Appends a null (its slot is zeroed).</summary>
        public Builder AppendNull()
        {
            _core.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values.</summary>
        public Builder Reserve(int additional)
        {
            _core.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not DecimalArray typed || typed.DecimalType.ByteWidth != _type.ByteWidth)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            _core.AppendFrom(typed, index, typed.GetBytes(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public DecimalArray Build() => new(_core.Build());

        /// <inheritdoc />
        void IBinaryValueAppender.AppendBytes(ReadOnlySpan<byte> value) => AppendBytes(value);

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
