using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of variable-size lists with 32-bit offsets: element <c>i</c> is the child range
/// <c>[offsets[i], offsets[i+1])</c> of <see cref="Values"/>. Also the base of <see cref="MapArray"/>.
/// </summary>
public class ListArray : ArrowArray
{
    private ArrowArray? _values;

    /// <summary>Wraps list array data.</summary>
    /// <exception cref="ArgumentException">The data is not a list or its buffers or child do not fit.</exception>
    public ListArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.List);
        ValidateLayout(data);
    }

    /// <summary>Wraps list-like data of type <paramref name="typeId"/> (list or map).</summary>
    private protected ListArray(ArrayData data, ArrowTypeId typeId)
        : base(data)
    {
        ArrayChecks.RequireType(data, typeId);
        ValidateLayout(data);
    }

    /// <summary>The whole child array (not sliced to this array's window; the offsets index into it).</summary>
    public ArrowArray Values => _values ??= ArrowArray.Create(Data.Children[0]);

    /// <summary>The <c>Length + 1</c> offsets of this array's window (empty for an empty array without offsets).</summary>
    public ReadOnlySpan<int> ValueOffsets => Data.Buffers[1].IsEmpty ? default : Data.Buffers[1].As<int>().Slice(Offset, Length + 1);

    /// <summary>Where element <paramref name="index"/> starts in <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public int GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<int>()[Offset + index];
    }

    /// <summary>The number of values in element <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public int GetValueLength(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        ReadOnlySpan<int> offsets = Data.Buffers[1].As<int>();
        return offsets[Offset + index + 1] - offsets[Offset + index];
    }

    /// <summary>The values of element <paramref name="index"/> as a zero-copy slice of <see cref="Values"/> (usually empty for a null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or its offsets are outside the child.</exception>
    public ArrowArray GetSlice(int index)
    {
        int start = GetValueOffset(index);
        int length = GetValueLength(index);
        if (start < 0 || length < 0 || start + length > Values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has malformed offsets [{start}, {start + length}).");
        }

        return Values.Slice((int)start, (int)length);
    }

    private static void ValidateLayout(ArrayData data)
    {
        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 2);
        ArrayChecks.RequireChildren(data, 1);

        // Offset values are content, checked where they are used (GetSlice), like binary offsets.
        if (data.Length > 0 || !data.Buffers[1].IsEmpty)
        {
            ArrayChecks.RequireFixedWidth(data, 1, 4, extra: 1);
        }
    }

    /// <summary>
    /// Builds <see cref="ListArray"/> instances: call <see cref="Append"/> to start a list, then append
    /// its values to <see cref="ValueBuilder"/>. After <see cref="Build"/> the builder (and its value
    /// builder) is empty and reusable.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly ListType _type;
        private readonly BufferBuilder _offsets;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder with a value builder made for the type's value field.</summary>
        /// <param name="type">The list type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ListType type, ArrowMemoryAllocator? allocator = null)
            : this(type, ArrowArrayBuilderFactory.Create((type ?? throw new ArgumentNullException(nameof(type))).ValueField.DataType, allocator), allocator)
        {
        }

        /// <summary>Creates a builder around a value builder (the value field is a nullable <c>item</c>).</summary>
        /// <param name="valueBuilder">Receives the values of every list.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(IArrowArrayBuilder valueBuilder, ArrowMemoryAllocator? allocator = null)
            : this(new ListType((valueBuilder ?? throw new ArgumentNullException(nameof(valueBuilder))).DataType), valueBuilder, allocator)
        {
        }

        private Builder(ListType type, IArrowArrayBuilder valueBuilder, ArrowMemoryAllocator? allocator)
        {
            _type = type;
            ValueBuilder = valueBuilder;
            allocator ??= ArrowMemoryAllocator.Default;
            _offsets = new BufferBuilder(allocator);
            _validity = new ValidityBuilder(allocator);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <summary>Receives the values of the lists.</summary>
        public IArrowArrayBuilder ValueBuilder { get; }

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary><see cref="ValueBuilder"/> as its concrete type.</summary>
        /// <exception cref="InvalidCastException">It is not a <typeparamref name="TBuilder"/>.</exception>
        public TBuilder GetValueBuilder<TBuilder>()
            where TBuilder : IArrowArrayBuilder => (TBuilder)ValueBuilder;

        /// <summary>Starts a new (valid) list; the values appended to <see cref="ValueBuilder"/> from now on belong to it.</summary>
        public Builder Append()
        {
            _offsets.Append((int)ValueBuilder.Length);
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a null list (no values).</summary>
        public Builder AppendNull()
        {
            _offsets.Append((int)ValueBuilder.Length);
            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more lists.</summary>
        public Builder Reserve(int additional)
        {
            _offsets.Reserve(checked((additional + 1) * 4));
            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not ListArray typed || source.Type.TypeId != _type.TypeId)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            int start = typed.GetValueOffset(index);
            int count = typed.GetValueLength(index);
            if (typed.IsNull(index))
            {
                AppendNull();
                return;
            }

            Append();
            ArrowArray values = typed.Values;
            for (int j = 0; j < count; j++)
            {
                ValueBuilder.AppendFrom(values, (int)(start + j));
            }
        }

        /// <summary>Produces the array (building the value builder too) and resets the builder.</summary>
        public ListArray Build()
        {
            _offsets.Append((int)ValueBuilder.Length);
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            ArrayData values = ValueBuilder.Build().Data;
            return new ListArray(new ArrayData(_type, length, nullCount, 0, [validity, _offsets.Build()], [values]));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
