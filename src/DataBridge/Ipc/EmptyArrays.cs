namespace DataBridge.Ipc;

/// <summary>Zero-length arrays of any type (a dictionary that has not arrived yet for an all-null column).</summary>
internal static class EmptyArrays
{
    private static readonly byte[] ZeroOffset = new byte[8];

    public static ArrayData Create(ArrowType type)
    {
        ArrowBuffer none = ArrowBuffer.Empty;
        switch (type)
        {
            case NullType:
                return new ArrayData(type, 0, 0, 0, [none]);
            case DictionaryType d:
                return new ArrayData(type, 0, 0, 0, [none, none], null, Create(d.ValueType));
            case UnionType u:
                return new ArrayData(
                    type, 0, 0, 0, u.Mode == UnionMode.Dense ? [none, none, none] : [none, none], [.. u.Fields.Select(f => Create(f.DataType))]);
            case StructType or FixedSizeListType:
                return new ArrayData(type, 0, 0, 0, [none], [.. type.Children.Select(f => Create(f.DataType))]);
            case ListType or MapType:
                return new ArrayData(type, 0, 0, 0, [none, new ArrowBuffer(ZeroOffset.AsMemory(0, 4))], [Create(type.Children[0].DataType)]);
            case LargeListType:
                return new ArrayData(type, 0, 0, 0, [none, new ArrowBuffer(ZeroOffset)], [Create(type.Children[0].DataType)]);
            case Utf8Type or BinaryType:
                return new ArrayData(type, 0, 0, 0, [none, new ArrowBuffer(ZeroOffset.AsMemory(0, 4)), none]);
            case LargeUtf8Type or LargeBinaryType:
                return new ArrayData(type, 0, 0, 0, [none, new ArrowBuffer(ZeroOffset), none]);
            default:
                return new ArrayData(type, 0, 0, 0, [none, none]);
        }
    }
}
