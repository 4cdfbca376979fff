using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// A sparse union: every child has an element for every union element; element <c>i</c> is element
/// <c>Offset + i</c> of its child (children are not pre-sliced).
/// </summary>
public sealed class SparseUnionArray : UnionArray
{
    /// <summary>Wraps sparse union array data.</summary>
    /// <exception cref="ArgumentException">The data is not a sparse union or its children are too short.</exception>
    public SparseUnionArray(ArrayData data)
        : base(data, UnionMode.Sparse)
    {
        foreach (ArrayData child in data.Children)
        {
            if (child.Length < (long)data.Offset + data.Length)
            {
                throw new ArgumentException($"A child of a sparse union of length {data.Length} at offset {data.Offset} has only {child.Length} elements.", nameof(data));
            }
        }
    }

    /// <inheritdoc />
    public override int GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Offset + index;
    }

    /// <summary>
    /// Builds <see cref="SparseUnionArray"/> instances: <see cref="Append"/> picks the child of the next
    /// element and returns its builder, to which exactly one value must then be appended; the other
    /// children are padded with nulls. After <see cref="Build"/> the builder and its children are empty and reusable.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly UnionType _type;
        private readonly IArrowArrayBuilder[] _children;
        private readonly BufferBuilder _typeIds;

        /// <summary>Creates a builder with a child builder made for each child field.</summary>
        /// <param name="type">A sparse union type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        /// <exception cref="ArgumentException">The type is a dense union.</exception>
        public Builder(UnionType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            if (type.Mode != UnionMode.Sparse)
            {
                throw new ArgumentException("A sparse union builder needs a sparse union type.", nameof(type));
            }

            _children = [.. type.Fields.Select(f => ArrowArrayBuilderFactory.Create(f.DataType, allocator))];
            _typeIds = new BufferBuilder(allocator ?? ArrowMemoryAllocator.Default);
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _typeIds.Length;

        /// <summary>Always 0: a union has no validity of its own.</summary>
        public int NullCount => 0;

        /// <summary>The child builders, in child order.</summary>
        public IReadOnlyList<IArrowArrayBuilder> ChildBuilders => _children;

        /// <summary>Starts an element held by child <paramref name="childIndex"/>; append exactly one value to the returned builder.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="childIndex"/> is not a child index.</exception>
        /// <exception cref="InvalidOperationException">A child received more than one value for the previous element.</exception>
        public IArrowArrayBuilder Append(int childIndex)
        {
            ArrayChecks.CheckIndex(childIndex, _children.Length);
            PadChildren();
            _typeIds.Append((sbyte)_type.TypeIds[childIndex]);
            return _children[childIndex];
        }

        /// <summary>Appends an element that is null in the first child.</summary>
        /// <exception cref="InvalidOperationException">The union has no children.</exception>
        public void AppendNull()
        {
            if (_children.Length == 0)
            {
                throw new InvalidOperationException("A union without children cannot hold elements.");
            }

            Append(0).AppendNull();
        }

        /// <inheritdoc />
        public void Reserve(int additional)
        {
            _typeIds.Reserve(additional);
            foreach (IArrowArrayBuilder child in _children)
            {
                child.Reserve(additional);
            }
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not SparseUnionArray typed || typed.Data.Children.Length != _children.Length)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            int child = typed.GetChildIndex(index);
            Append(child).AppendFrom(typed.GetChild(child), typed.GetValueOffset(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        /// <exception cref="InvalidOperationException">A child received more than one value for an element.</exception>
        public SparseUnionArray Build()
        {
            PadChildren();
            int length = Length;
            ArrayData[] children = Array.ConvertAll(_children, c => c.Build().Data);
            return new SparseUnionArray(new ArrayData(_type, length, 0, 0, [ArrowBuffer.Empty, _typeIds.Build()], children));
        }

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();

        /// <summary>Brings every child to the union's length with nulls (the unselected slots).</summary>
        private void PadChildren()
        {
            int target = Length;
            for (int c = 0; c < _children.Length; c++)
            {
                IArrowArrayBuilder child = _children[c];
                if (child.Length > target)
                {
                    throw new InvalidOperationException($"Child {c} of the sparse union has {child.Length} values for {target} elements: append exactly one value per Append.");
                }

                while (child.Length < target)
                {
                    child.AppendNull();
                }
            }
        }
    }
}
