namespace DataBridge.Arrow;

/// <summary>
/// An array whose elements each come from one of several children, chosen by an int8 type id per
/// element (mapped to a child through <see cref="UnionType.TypeIds"/>). Unions have no validity of their
/// own: a null element is a null in the selected child. See <see cref="SparseUnionArray"/> and
/// <see cref="DenseUnionArray"/> for where the value sits in the child.
/// </summary>
public abstract class UnionArray : ArrowArray
{
    private readonly sbyte[] _childIndexByTypeId;
    private readonly ArrowArray?[] _children;

    private protected UnionArray(ArrayData data, UnionMode mode)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.Union);
        UnionType = (UnionType)data.Type;
        if (UnionType.Mode != mode)
        {
            ArrayChecks.ThrowWrongType(data, mode == UnionMode.Sparse ? "sparse union" : "dense union");
        }

        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireChildren(data, UnionType.Fields.Count);
        ArrayChecks.RequireFixedWidth(data, 1, sizeof(sbyte));
        _childIndexByTypeId = new sbyte[128];
        _childIndexByTypeId.AsSpan().Fill(-1);
        for (int c = 0; c < UnionType.TypeIds.Count; c++)
        {
            _childIndexByTypeId[UnionType.TypeIds[c]] = (sbyte)c;
        }

        _children = new ArrowArray?[data.Children.Length];
    }

    /// <summary>The union type (children, type ids, mode).</summary>
    public UnionType UnionType { get; }

    /// <summary>Sparse or dense.</summary>
    public UnionMode Mode => UnionType.Mode;

    /// <summary>The type ids of this array's window.</summary>
    public ReadOnlySpan<sbyte> TypeIds => Length == 0 ? default : Data.Buffers[1].As<sbyte>().Slice(Offset, Length);

    /// <summary>The type id of element <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public int GetTypeId(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<sbyte>()[Offset + index];
    }

    /// <summary>The index of the child holding element <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or its type id names no child.</exception>
    public int GetChildIndex(int index)
    {
        int typeId = GetTypeId(index);
        int child = typeId >= 0 ? _childIndexByTypeId[typeId] : -1;
        return child >= 0 ? child : throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has type id {typeId}, which names no child of {UnionType}.");
    }

    /// <summary>The position of element <paramref name="index"/>'s value in child <see cref="GetChildIndex"/> (as given by <see cref="GetChild"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public abstract int GetValueOffset(int index);

    /// <summary>Child <paramref name="childIndex"/>, whole (not sliced; <see cref="GetValueOffset"/> indexes into it).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="childIndex"/> is not a child index.</exception>
    public ArrowArray GetChild(int childIndex)
    {
        ArrayChecks.CheckIndex(childIndex, _children.Length);
        return _children[childIndex] ??= ArrowArray.Create(Data.Children[childIndex]);
    }

    /// <summary>Whether element <paramref name="index"/> is null in its child (the union itself has no validity).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or its type id names no child.</exception>
    public bool IsValueNull(int index) => IsNull(index) || GetChild(GetChildIndex(index)).IsNull(GetValueOffset(index));
}
