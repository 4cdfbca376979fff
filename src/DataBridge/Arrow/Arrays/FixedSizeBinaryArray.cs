using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of byte strings of one fixed width, stored back to back in buffer 1.</summary>
public sealed class FixedSizeBinaryArray : ArrowArray
{
    /// <summary>Wraps fixed-size binary array data.</summary>
    /// <exception cref="ArgumentException">The data is not fixed-size binary or its buffers are too small.</exception>
    public FixedSizeBinaryArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.FixedSizeBinary);
        ArrayChecks.RequireValidity(data);
        ByteWidth = ((FixedSizeBinaryType)data.Type).ByteWidth;
        ArrayChecks.RequireFixedWidth(data, 1, ByteWidth);
    }

    /// <summary>Bytes per value.</summary>
    public int ByteWidth { get; }

    /// <summary>The bytes of element <paramref name="index"/> (no copy), whether or not it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public ReadOnlySpan<byte> GetBytes(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].Span.Slice((Offset + index) * ByteWidth, ByteWidth);
    }

    /// <summary>Builds <see cref="FixedSizeBinaryArray"/> instances. After <see cref="Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : IArrowArrayBuilder, IBinaryValueAppender
    {
        private readonly FixedSizeBinaryType _type;
        private readonly BufferBuilder _values;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder.</summary>
        /// <param name="type">The width.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(FixedSizeBinaryType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            allocator ??= ArrowMemoryAllocator.Default;
            _values = new BufferBuilder(allocator);
            _validity = new ValidityBuilder(allocator);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary>Appends a value of exactly the type's width.</summary>
        /// <exception cref="ArgumentException"><paramref name="value"/> has another length.</exception>
        public Builder Append(ReadOnlySpan<byte> value)
        {
            if (value.Length != _type.ByteWidth)
            {
                throw new ArgumentException($"A {_type} value must be {_type.ByteWidth} bytes, got {value.Length}.", nameof(value));
            }

            _values.AppendRange(value);
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a null (its slot is zeroed).</summary>
        public Builder AppendNull()
        {
            _values.Extend(_type.ByteWidth);
            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values.</summary>
        public Builder Reserve(int additional)
        {
            _values.Reserve(checked(additional * _type.ByteWidth));
            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not FixedSizeBinaryArray typed || typed.ByteWidth != _type.ByteWidth)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            ReadOnlySpan<byte> bytes = typed.GetBytes(index);
            if (typed.IsNull(index))
            {
                AppendNull();
            }
            else
            {
                Append(bytes);
            }
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public FixedSizeBinaryArray Build()
        {
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            return new FixedSizeBinaryArray(new ArrayData(_type, length, nullCount, 0, [validity, _values.Build()]));
        }

        /// <inheritdoc />
        void IBinaryValueAppender.AppendBytes(ReadOnlySpan<byte> value) => Append(value);

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
