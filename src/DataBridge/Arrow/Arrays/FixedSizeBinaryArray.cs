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
        private readonly FixedWidthBinaryBuilder _core;

        /// <summary>Creates a builder.</summary>
        /// <param name="type">The width.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(FixedSizeBinaryType type, ArrowMemoryAllocator? allocator = null)
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

        /// <summary>Appends a value of exactly the type's width.</summary>
        /// <exception cref="ArgumentException"><paramref name="value"/> has another length.</exception>
        public Builder Append(ReadOnlySpan<byte> value)
        {
            if (value.Length != _type.ByteWidth)
            {
                throw new ArgumentException($"A {_type} value must be {_type.ByteWidth} bytes, got {value.Length}.", nameof(value));
            }

            _core.Append(value);
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
            if (source is not FixedSizeBinaryArray typed || typed.ByteWidth != _type.ByteWidth)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            _core.AppendFrom(typed, index, typed.GetBytes(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public FixedSizeBinaryArray Build() => new(_core.Build());

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
