using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of structs: one child array per field. Struct validity is independent of the children's;
/// element <c>i</c> of the struct is element <c>Offset + i</c> of every child (children are not pre-sliced).
/// </summary>
public sealed class StructArray : ArrowArray
{
    private readonly ArrowArray?[] _children;

    /// <summary>Wraps struct array data.</summary>
    /// <exception cref="ArgumentException">The data is not a struct or its children do not fit.</exception>
    public StructArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.Struct);
        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 1);
        StructType type = (StructType)data.Type;
        ArrayChecks.RequireChildren(data, type.Fields.Count);
        foreach (ArrayData child in data.Children)
        {
            if (child.Length < (long)data.Offset + data.Length)
            {
                throw new ArgumentException($"A child of a {data.Type} array of length {data.Length} at offset {data.Offset} has only {child.Length} elements.", nameof(data));
            }
        }

        _children = new ArrowArray?[data.Children.Length];
    }

    /// <summary>The fields, in child order.</summary>
    public IReadOnlyList<Field> Fields => ((StructType)Type).Fields;

    /// <summary>
    /// Child <paramref name="index"/> sliced to this array's window: element <c>i</c> of the result is
    /// the field value of struct element <c>i</c> (zero-copy; built once and cached).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a field index.</exception>
    public ArrowArray GetChild(int index)
    {
        ArrayChecks.CheckIndex(index, _children.Length);
        return _children[index] ??= ArrowArray.Create(Data.Children[index].Slice(Offset, Length));
    }

    /// <summary>The child of the first field named <paramref name="name"/>, sliced like <see cref="GetChild(int)"/>.</summary>
    /// <exception cref="KeyNotFoundException">No field has that name.</exception>
    public ArrowArray GetChild(string name)
    {
        int index = ((StructType)Type).IndexOf(name);
        return index >= 0 ? GetChild(index) : throw new KeyNotFoundException($"The struct has no field named '{name}'.");
    }

    /// <summary>
    /// Builds <see cref="StructArray"/> instances: append one value to every field builder, then call
    /// <see cref="Append"/> (or call <see cref="AppendNull"/>, which also appends a null to every field).
    /// After <see cref="Build"/> the builder and its field builders are empty and reusable.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly StructType _type;
        private readonly IArrowArrayBuilder[] _fieldBuilders;
        private readonly ValidityBuilder _validity;

        /// <summary>Creates a builder with a field builder made for each field's type.</summary>
        /// <param name="type">The struct type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(StructType type, ArrowMemoryAllocator? allocator = null)
            : this(type, (type ?? throw new ArgumentNullException(nameof(type))).Fields.Select(f => ArrowArrayBuilderFactory.Create(f.DataType, allocator)), allocator)
        {
        }

        /// <summary>Creates a builder around given field builders (one per field, of the field's type).</summary>
        /// <param name="type">The struct type.</param>
        /// <param name="fieldBuilders">The field builders, in field order.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        /// <exception cref="ArgumentException">The builders do not match the fields.</exception>
        public Builder(StructType type, IEnumerable<IArrowArrayBuilder> fieldBuilders, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            ArgumentNullException.ThrowIfNull(fieldBuilders);
            _fieldBuilders = [.. fieldBuilders];
            if (_fieldBuilders.Length != type.Fields.Count)
            {
                throw new ArgumentException($"{type} has {type.Fields.Count} fields but {_fieldBuilders.Length} builders were given.", nameof(fieldBuilders));
            }

            _validity = new ValidityBuilder(allocator ?? ArrowMemoryAllocator.Default);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary>The field builders, in field order.</summary>
        public IReadOnlyList<IArrowArrayBuilder> FieldBuilders => _fieldBuilders;

        /// <summary>The builder of field <paramref name="index"/> as its concrete type.</summary>
        /// <exception cref="InvalidCastException">It is not a <typeparamref name="TBuilder"/>.</exception>
        public TBuilder GetFieldBuilder<TBuilder>(int index)
            where TBuilder : IArrowArrayBuilder => (TBuilder)_fieldBuilders[index];

        /// <summary>Marks one valid struct element (its field values are appended to the field builders).</summary>
        public Builder Append()
        {
            _validity.AppendValid();
            return this;
        }

        /// <summary>Appends a null struct element and a null to every field builder, keeping them aligned.</summary>
        public Builder AppendNull()
        {
            foreach (IArrowArrayBuilder b in _fieldBuilders)
            {
                b.AppendNull();
            }

            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more elements in this and every field builder.</summary>
        public Builder Reserve(int additional)
        {
            foreach (IArrowArrayBuilder b in _fieldBuilders)
            {
                b.Reserve(additional);
            }

            _validity.Reserve(additional);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not StructArray typed || typed._children.Length != _fieldBuilders.Length)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            ArrayChecks.CheckIndex(index, typed.Length);
            for (int f = 0; f < _fieldBuilders.Length; f++)
            {
                _fieldBuilders[f].AppendFrom(typed.GetChild(f), index);
            }

            _validity.Append(typed.IsValid(index));
        }

        /// <summary>Produces the array (building every field builder) and resets the builder.</summary>
        /// <exception cref="InvalidOperationException">A field builder's length differs from the struct's.</exception>
        public StructArray Build()
        {
            int length = Length;
            for (int f = 0; f < _fieldBuilders.Length; f++)
            {
                if (_fieldBuilders[f].Length != length)
                {
                    throw new InvalidOperationException($"Field {f} ('{_type.Fields[f].Name}') has {_fieldBuilders[f].Length} values but the struct has {length} elements.");
                }
            }

            (ArrowBuffer validity, int nullCount) = _validity.Build();
            ArrayData[] children = Array.ConvertAll(_fieldBuilders, b => b.Build().Data);
            return new StructArray(new ArrayData(_type, length, nullCount, 0, [validity], children));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
