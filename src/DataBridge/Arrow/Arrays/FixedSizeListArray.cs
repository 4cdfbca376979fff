using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of lists of exactly <see cref="ListSize"/> values: element <c>i</c> is child range
/// <c>[(Offset + i) × ListSize, +ListSize)</c> of <see cref="Values"/>; null elements still occupy their slots.
/// </summary>
public sealed class FixedSizeListArray : ArrowArray
{
    private ArrowArray? _values;

    /// <summary>Wraps fixed-size list array data.</summary>
    /// <exception cref="ArgumentException">The data is not a fixed-size list or its child is too short.</exception>
    public FixedSizeListArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.FixedSizeList);
        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 1);
        ArrayChecks.RequireChildren(data, 1);
        ListSize = ((FixedSizeListType)data.Type).ListSize;
        long needed = ((long)data.Offset + data.Length) * ListSize;
        if (data.Children[0].Length < needed)
        {
            throw new ArgumentException($"The child of a {data.Type} array of length {data.Length} at offset {data.Offset} has {data.Children[0].Length} elements; {needed} are needed.", nameof(data));
        }
    }

    /// <summary>Values per list.</summary>
    public int ListSize { get; }

    /// <summary>The whole child array (not sliced to this array's window).</summary>
    public ArrowArray Values => _values ??= ArrowArray.Create(Data.Children[0]);

    /// <summary>Where element <paramref name="index"/> starts in <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public int GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return (Offset + index) * ListSize;
    }

    /// <summary>The number of values in element <paramref name="index"/>: always <see cref="ListSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public int GetValueLength(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return ListSize;
    }

    /// <summary>The values of element <paramref name="index"/> as a zero-copy slice of <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public ArrowArray GetSlice(int index) => Values.Slice(GetValueOffset(index), ListSize);

    /// <summary>
    /// Builds <see cref="FixedSizeListArray"/> instances: call <see cref="Append"/> and append exactly
    /// <c>ListSize</c> values to <see cref="ValueBuilder"/>, or call <see cref="AppendNull"/> (which fills
    /// the slots with nulls). After <see cref="Build"/> the builder and its value builder are empty and reusable.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly FixedSizeListType _type;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder with a value builder made for the type's value field.</summary>
        /// <param name="type">The fixed-size list type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(FixedSizeListType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            ValueBuilder = ArrowArrayBuilderFactory.Create(type.ValueField.DataType, allocator);
            _validity = new ValidityBuilder(allocator ?? ArrowMemoryAllocator.Default);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <summary>Receives the values.</summary>
        public IArrowArrayBuilder ValueBuilder { get; }

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary><see cref="ValueBuilder"/> as its concrete type.</summary>
        /// <exception cref="InvalidCastException">It is not a <typeparamref name="TBuilder"/>.</exception>
        public TBuilder GetValueBuilder<TBuilder>()
            where TBuilder : IArrowArrayBuilder => (TBuilder)ValueBuilder;

        /// <summary>Marks one valid list; its values go to <see cref="ValueBuilder"/>.</summary>
        public Builder Append()
        {
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a null list and <c>ListSize</c> null values to fill its slots.</summary>
        public Builder AppendNull()
        {
            for (int i = 0; i < _type.ListSize; i++)
            {
                ValueBuilder.AppendNull();
            }

            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more lists.</summary>
        public Builder Reserve(int additional)
        {
            ValueBuilder.Reserve(checked(additional * _type.ListSize));
            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not FixedSizeListArray typed || typed.ListSize != _type.ListSize)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            int start = typed.GetValueOffset(index);
            ArrowArray values = typed.Values;
            for (int j = 0; j < _type.ListSize; j++)
            {
                ValueBuilder.AppendFrom(values, start + j);
            }

            _validity.Append(typed.IsValid(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        /// <exception cref="InvalidOperationException">The value builder does not hold exactly <c>Length × ListSize</c> values.</exception>
        public FixedSizeListArray Build()
        {
            int length = Length;
            if (ValueBuilder.Length != (long)length * _type.ListSize)
            {
                throw new InvalidOperationException($"{length} lists of {_type.ListSize} need {(long)length * _type.ListSize} values, but {ValueBuilder.Length} were appended.");
            }

            (ArrowBuffer validity, int nullCount) = _validity.Build();
            return new FixedSizeListArray(new ArrayData(_type, length, nullCount, 0, [validity], [ValueBuilder.Build().Data]));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
