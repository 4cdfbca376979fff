using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// A dense union: each element's value sits at an int32 offset (buffer 2) in its child, so children
/// hold only the values that are selected.
/// </summary>
public sealed class DenseUnionArray : UnionArray
{
    /// <summary>Wraps dense union array data.</summary>
    /// <exception cref="ArgumentException">The data is not a dense union or its buffers are too small.</exception>
    public DenseUnionArray(ArrayData data)
        : base(data, UnionMode.Dense) => ArrayChecks.RequireFixedWidth(data, 2, sizeof(int));

    /// <summary>The value offsets of this array's window.</summary>
    public ReadOnlySpan<int> ValueOffsets => Length == 0 ? default : Data.Buffers[2].As<int>().Slice(Offset, Length);

    /// <inheritdoc />
    public override int GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[2].As<int>()[Offset + index];
    }

    /// <summary>
    /// Builds <see cref="DenseUnionArray"/> instances: <see cref="Append"/> picks the child of the next
    /// element and returns its builder, to which exactly one value must then be appended. After
    /// <see cref="Build"/> the builder and its children are empty and reusable.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly UnionType _type;
        private readonly IArrowArrayBuilder[] _children;
        private readonly int[] _expectedChildLengths;
        private readonly BufferBuilder _typeIds;
        private readonly BufferBuilder _offsets;

        /// <summary>Creates a builder with a child builder made for each child field.</summary>
        /// <param name="type">A dense union type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        /// <exception cref="ArgumentException">The type is a sparse union.</exception>
        public Builder(UnionType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            if (type.Mode != UnionMode.Dense)
            {
                throw new ArgumentException("A dense union builder needs a dense union type.", nameof(type));
            }

            _children = [.. type.Fields.Select(f => ArrowArrayBuilderFactory.Create(f.DataType, allocator))];
            _expectedChildLengths = new int[_children.Length];
            allocator ??= ArrowMemoryAllocator.Default;
            _typeIds = new BufferBuilder(allocator);
            _offsets = new BufferBuilder(allocator);
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
        public IArrowArrayBuilder Append(int childIndex)
        {
            ArrayChecks.CheckIndex(childIndex, _children.Length);
            _typeIds.Append((sbyte)_type.TypeIds[childIndex]);
            _offsets.Append(_expectedChildLengths[childIndex]++);
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
            _offsets.Reserve(checked(additional * sizeof(int)));
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not DenseUnionArray typed || typed.Data.Children.Length != _children.Length)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            int child = typed.GetChildIndex(index);
            Append(child).AppendFrom(typed.GetChild(child), typed.GetValueOffset(index));
        }

        /// <summary>Produces the array and resets the builder.</summary>
        /// <exception cref="InvalidOperationException">A child did not receive exactly one value per element selecting it.</exception>
        public DenseUnionArray Build()
        {
            for (int c = 0; c < _children.Length; c++)
            {
                if (_children[c].Length != _expectedChildLengths[c])
                {
                    throw new InvalidOperationException($"Child {c} of the dense union has {_children[c].Length} values but {_expectedChildLengths[c]} elements select it.");
                }
            }

            int length = Length;
            ArrayData[] children = Array.ConvertAll(_children, c => c.Build().Data);
            Array.Clear(_expectedChildLengths);
            return new DenseUnionArray(new ArrayData(_type, length, 0, 0, [ArrowBuffer.Empty, _typeIds.Build(), _offsets.Build()], children));
        }

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
