namespace DataBridge.Ipc;

/// <summary>Zero-length arrays of any type (a dictionary that has not arrived yet for an all-null column), in Apache.Arrow's buffer layouts.</summary>
internal static class EmptyArrays
{
    private static readonly byte[] ZeroOffset = new byte[8];

    public static ArrayData Create(IArrowType type)
    {
        ArrowBuffer none = ArrowBuffer.Empty;
        ArrowBuffer offsets32 = new(ZeroOffset.AsMemory(0, 4));
        ArrowBuffer offsets64 = new(ZeroOffset);
        ArrayData[] Children() => [.. TypeLayout.Children(type).Select(f => Create(f.DataType))];
        return type switch
        {
            NullType => new ArrayData(type, 0, 0, 0, System.Array.Empty<ArrowBuffer>()),
            DictionaryType d => new ArrayData(type, 0, 0, 0, [none, none], null, Create(d.ValueType)),
            UnionType u => new ArrayData(type, 0, 0, 0, u.Mode == UnionMode.Dense ? [none, none] : [none], Children()),
            RunEndEncodedType => new ArrayData(type, 0, 0, 0, System.Array.Empty<ArrowBuffer>(), Children()),
            StructType or FixedSizeListType => new ArrayData(type, 0, 0, 0, [none], Children()),
            ListType or MapType => new ArrayData(type, 0, 0, 0, [none, offsets32], Children()),
            LargeListType => new ArrayData(type, 0, 0, 0, [none, offsets64], Children()),
            ListViewType or LargeListViewType => new ArrayData(type, 0, 0, 0, [none, none, none], Children()),
            StringType or BinaryType => new ArrayData(type, 0, 0, 0, [none, offsets32, none]),
            LargeStringType or LargeBinaryType => new ArrayData(type, 0, 0, 0, [none, offsets64, none]),
            StringViewType or BinaryViewType => new ArrayData(type, 0, 0, 0, [none, none]),
            _ => new ArrayData(type, 0, 0, 0, [none, none]),
        };
    }
}
