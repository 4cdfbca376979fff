namespace DataBridge.Arrow;

/// <summary>An array of the null type: every element is null and there are no buffers to read.</summary>
public sealed class NullArray : ArrowArray
{
    /// <summary>Wraps null-type array data.</summary>
    /// <exception cref="ArgumentException">The data is not of the null type.</exception>
    public NullArray(ArrayData data)
        : base(data) => ArrayChecks.RequireType(data, ArrowTypeId.Null);

    /// <summary>Creates an all-null array of <paramref name="length"/> elements.</summary>
    public NullArray(int length)
        : this(new ArrayData(NullType.Default, length, length, 0, [ArrowBuffer.Empty]))
    {
    }

    /// <summary>Builds <see cref="NullArray"/> instances (it only counts).</summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        /// <inheritdoc />
        public ArrowType DataType => NullType.Default;

        /// <inheritdoc />
        public int Length { get; private set; }

        /// <inheritdoc />
        public int NullCount => Length;

        /// <summary>Appends a null.</summary>
        public Builder AppendNull()
        {
            Length++;
            return this;
        }

        /// <summary>Appends <paramref name="count"/> nulls.</summary>
        public Builder AppendNulls(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            Length = checked(Length + count);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            ArrayChecks.CheckIndex(index, source.Length);
            AppendNull();
        }

        /// <inheritdoc />
        public void Reserve(int additional) => ArgumentOutOfRangeException.ThrowIfNegative(additional);

        /// <summary>Produces the array and resets the builder.</summary>
        public NullArray Build()
        {
            var result = new NullArray(Length);
            Length = 0;
            return result;
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
