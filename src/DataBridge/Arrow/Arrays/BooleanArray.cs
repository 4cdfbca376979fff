using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of booleans, bit-packed in buffer 1 like the validity bitmap.</summary>
public sealed class BooleanArray : ArrowArray
{
    /// <summary>Wraps boolean array data.</summary>
    /// <exception cref="ArgumentException">The data is not boolean or its buffers are too small.</exception>
    public BooleanArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.Boolean);
        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 2);
        if (data.Length > 0 && data.Buffers[1].Length < BitUtility.ByteCount((long)data.Offset + data.Length))
        {
            throw new ArgumentException($"The values bitmap of a bool array of length {data.Length} at offset {data.Offset} holds only {data.Buffers[1].Length} bytes.", nameof(data));
        }
    }

    /// <summary>The stored bit of element <paramref name="index"/>, whether or not it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public bool GetValue(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return BitUtility.GetBit(Data.Buffers[1].Span, Offset + index);
    }

    /// <summary>Element <paramref name="index"/>, or null when it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public bool? GetNullable(int index)
    {
        bool value = GetValue(index);
        return IsNull(index) ? null : value;
    }

    /// <summary>Builds <see cref="BooleanArray"/> instances. After <see cref="Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly BitBuilder _values;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
        {
            allocator ??= ArrowMemoryAllocator.Default;
            _values = new BitBuilder(allocator);
            _validity = new ValidityBuilder(allocator);
        }

        /// <inheritdoc />
        public ArrowType DataType => BooleanType.Default;

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary>Appends a value.</summary>
        public Builder Append(bool value)
        {
            _values.Append(value);
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a value or a null.</summary>
        public Builder Append(bool? value) => value.HasValue ? Append(value.GetValueOrDefault()) : AppendNull();

        /// <summary>Appends a null.</summary>
        public Builder AppendNull()
        {
            _values.Append(false);
            _validity.AppendNull();
            return this;
        }

        /// <summary>Appends values, all valid.</summary>
        public Builder AppendRange(ReadOnlySpan<bool> values)
        {
            _values.AppendRange(values);
            _validity.AppendValid(values.Length);
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values.</summary>
        public Builder Reserve(int additional)
        {
            _values.Reserve(additional);
            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not BooleanArray typed)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            Append(typed.GetNullable(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public BooleanArray Build()
        {
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            return new BooleanArray(new ArrayData(BooleanType.Default, length, nullCount, 0, [validity, _values.Build()]));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
