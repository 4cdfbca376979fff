using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of maps: physically a list (int32 offsets) of <c>entries</c> structs of a key and a value.
/// Element <c>i</c>'s entries are <c>[offsets[i], offsets[i+1])</c> of <see cref="Keys"/> and <see cref="Items"/>.
/// </summary>
public sealed class MapArray : ListArray
{
    /// <summary>Wraps map array data.</summary>
    /// <exception cref="ArgumentException">The data is not a map or its buffers or child do not fit.</exception>
    public MapArray(ArrayData data)
        : base(data, ArrowTypeId.Map)
    {
        if (data.Children[0].Type.TypeId != ArrowTypeId.Struct || data.Children[0].Children.Length != 2)
        {
            throw new ArgumentException("The child of a map must be a struct of a key and a value.", nameof(data));
        }
    }

    /// <summary>The entries (the whole child struct; offsets index into it).</summary>
    public StructArray Entries => (StructArray)Values;

    /// <summary>The keys of all entries, indexed like <see cref="Entries"/>.</summary>
    public ArrowArray Keys => Entries.GetChild(0);

    /// <summary>The values of all entries, indexed like <see cref="Entries"/>.</summary>
    public ArrowArray Items => Entries.GetChild(1);

    /// <summary>
    /// Builds <see cref="MapArray"/> instances: call <see cref="Append"/> to start a map, then append each
    /// entry's key to <see cref="KeyBuilder"/> and its value to <see cref="ValueBuilder"/>. After
    /// <see cref="Build"/> the builder and its key and value builders are empty and reusable.
    /// </summary>
    public new sealed class Builder : IArrowArrayBuilder
    {
        private readonly MapType _type;
        private readonly BufferBuilder _offsets;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder with key and value builders made for the type.</summary>
        /// <param name="type">The map type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(MapType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            KeyBuilder = ArrowArrayBuilderFactory.Create(type.KeyField.DataType, allocator);
            ValueBuilder = ArrowArrayBuilderFactory.Create(type.ValueField.DataType, allocator);
            allocator ??= ArrowMemoryAllocator.Default;
            _offsets = new BufferBuilder(allocator);
            _validity = new ValidityBuilder(allocator);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary>Receives the keys (which must not be null).</summary>
        public IArrowArrayBuilder KeyBuilder { get; }

        /// <summary>Receives the values.</summary>
        public IArrowArrayBuilder ValueBuilder { get; }

        /// <summary>Starts a new (valid) map; entries appended from now on belong to it.</summary>
        public Builder Append()
        {
            _offsets.Append(KeyBuilder.Length);
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a null map (no entries).</summary>
        public Builder AppendNull()
        {
            _offsets.Append(KeyBuilder.Length);
            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more maps.</summary>
        public Builder Reserve(int additional)
        {
            _offsets.Reserve(checked((additional + 1) * sizeof(int)));
            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not MapArray typed)
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
            ArrowArray keys = typed.Keys;
            ArrowArray items = typed.Items;
            for (int j = 0; j < count; j++)
            {
                KeyBuilder.AppendFrom(keys, start + j);
                ValueBuilder.AppendFrom(items, start + j);
            }
        }

        /// <summary>Produces the array and resets the builder.</summary>
        /// <exception cref="InvalidOperationException">The key and value builders hold different numbers of entries, or a key is null.</exception>
        public MapArray Build()
        {
            int entries = KeyBuilder.Length;
            if (ValueBuilder.Length != entries)
            {
                throw new InvalidOperationException($"The map has {entries} keys but {ValueBuilder.Length} values.");
            }

            if (KeyBuilder.NullCount != 0)
            {
                throw new InvalidOperationException("Map keys must not be null.");
            }

            _offsets.Append(entries);
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            ArrayData keys = KeyBuilder.Build().Data;
            ArrayData values = ValueBuilder.Build().Data;
            var entryData = new ArrayData(_type.EntriesField.DataType, entries, 0, 0, [ArrowBuffer.Empty], [keys, values]);
            return new MapArray(new ArrayData(_type, length, nullCount, 0, [validity, _offsets.Build()], [entryData]));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
