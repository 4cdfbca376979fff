using System.Numerics;
using System.Runtime.CompilerServices;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// The shared part of <see cref="ListArray"/> (32-bit offsets) and <see cref="LargeListArray"/> (64-bit
/// offsets): element <c>i</c> is the child range <c>[offsets[i], offsets[i+1])</c> of <see cref="Values"/>.
/// </summary>
/// <typeparam name="TOffset">The offset type: <see cref="int"/> or <see cref="long"/>.</typeparam>
public abstract class ListArrayBase<TOffset> : ArrowArray
    where TOffset : unmanaged, IBinaryInteger<TOffset>
{
    private ArrowArray? _values;

    private protected ListArrayBase(ArrayData data, ArrowTypeId typeId)
        : base(data)
    {
        ArrayChecks.RequireType(data, typeId);
        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 2);
        ArrayChecks.RequireChildren(data, 1);

        // Offset values are content, checked where they are used (GetSlice), like binary offsets.
        if (data.Length > 0 || !data.Buffers[1].IsEmpty)
        {
            ArrayChecks.RequireFixedWidth(data, 1, Unsafe.SizeOf<TOffset>(), extra: 1);
        }
    }

    /// <summary>The whole child array (not sliced to this array's window; the offsets index into it).</summary>
    public ArrowArray Values => _values ??= ArrowArray.Create(Data.Children[0]);

    /// <summary>The <c>Length + 1</c> offsets of this array's window (empty for an empty array without offsets).</summary>
    public ReadOnlySpan<TOffset> ValueOffsets => Data.Buffers[1].IsEmpty ? default : Data.Buffers[1].As<TOffset>().Slice(Offset, Length + 1);

    /// <summary>Where element <paramref name="index"/> starts in <see cref="Values"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public TOffset GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<TOffset>()[Offset + index];
    }

    /// <summary>The number of values in element <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public TOffset GetValueLength(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        ReadOnlySpan<TOffset> offsets = Data.Buffers[1].As<TOffset>();
        return offsets[Offset + index + 1] - offsets[Offset + index];
    }

    /// <summary>The values of element <paramref name="index"/> as a zero-copy slice of <see cref="Values"/> (usually empty for a null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or its offsets are outside the child.</exception>
    public ArrowArray GetSlice(int index)
    {
        TOffset start = GetValueOffset(index);
        TOffset length = GetValueLength(index);
        if (TOffset.IsNegative(start) || TOffset.IsNegative(length) || start + length > TOffset.CreateTruncating(Values.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has malformed offsets [{start}, {start + length}).");
        }

        return Values.Slice(int.CreateTruncating(start), int.CreateTruncating(length));
    }

    /// <summary>
    /// The shared part of the list builders: call <see cref="Append"/> to start a list, then append its
    /// values to <see cref="ValueBuilder"/>. After <see cref="Build"/> the builder (and its value builder)
    /// is empty and reusable.
    /// </summary>
    /// <typeparam name="TArray">The array the builder produces.</typeparam>
    /// <typeparam name="TSelf">The concrete builder, returned by the chaining methods.</typeparam>
    public abstract class BuilderBase<TArray, TSelf> : IArrowArrayBuilder
        where TArray : ListArrayBase<TOffset>
        where TSelf : BuilderBase<TArray, TSelf>
    {
        private readonly ArrowType _type;
        private readonly BufferBuilder _offsets;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder with a value builder made for the type's value field.</summary>
        private protected BuilderBase(ArrowType? type, ArrowMemoryAllocator? allocator)
            : this(type!, ArrowArrayBuilderFactory.Create((type ?? throw new ArgumentNullException(nameof(type))).Children[0].DataType, allocator), allocator)
        {
        }

        /// <summary>Creates a builder around a value builder.</summary>
        private protected BuilderBase(ArrowType type, IArrowArrayBuilder valueBuilder, ArrowMemoryAllocator? allocator)
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
        public TSelf Append()
        {
            _offsets.Append(TOffset.CreateTruncating(ValueBuilder.Length));
            _validity.AppendValid();
            return Unsafe.As<TSelf>(this);
        }

        /// <summary>Appends a null list (no values).</summary>
        public TSelf AppendNull()
        {
            _offsets.Append(TOffset.CreateTruncating(ValueBuilder.Length));
            _validity.AppendNull();
            return Unsafe.As<TSelf>(this);
        }

        /// <summary>Ensures room for <paramref name="additional"/> more lists.</summary>
        public TSelf Reserve(int additional)
        {
            _offsets.Reserve(checked((additional + 1) * Unsafe.SizeOf<TOffset>()));
            _validity.Reserve(additional);
            return Unsafe.As<TSelf>(this);
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not TArray typed || source.Type.TypeId != _type.TypeId)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            TOffset start = typed.GetValueOffset(index);
            TOffset count = typed.GetValueLength(index);
            if (typed.IsNull(index))
            {
                AppendNull();
                return;
            }

            Append();
            ArrowArray values = typed.Values;
            for (TOffset j = TOffset.Zero; j < count; j++)
            {
                ValueBuilder.AppendFrom(values, int.CreateTruncating(start + j));
            }
        }

        /// <summary>Produces the array (building the value builder too) and resets the builder.</summary>
        public TArray Build()
        {
            _offsets.Append(TOffset.CreateTruncating(ValueBuilder.Length));
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            ArrayData values = ValueBuilder.Build().Data;
            return (TArray)ArrowArray.Create(new ArrayData(_type, length, nullCount, 0, [validity, _offsets.Build()], [values]));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
