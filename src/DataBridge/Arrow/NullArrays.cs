namespace DataBridge.Arrow;

/// <summary>All-null arrays of any Apache.Arrow type, in its buffer layout (zeroed buffers, empty children where a layout allows).</summary>
internal static class NullArrays
{
    /// <summary>An array of <paramref name="length"/> nulls of <paramref name="type"/>.</summary>
    public static IArrowArray Create(IArrowType type, int length) => ArrowArrayFactory.BuildArray(CreateData(type, length));

    /// <summary>The data of an array of <paramref name="length"/> nulls of <paramref name="type"/>.</summary>
    public static ArrayData CreateData(IArrowType type, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArrowBuffer validity = length == 0 ? ArrowBuffer.Empty : Zeros(BitOps.ByteCount(length));
        switch (type)
        {
            case NullType:
                return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>());
            case UnionType u:
            {
                // Nulls of a union live in its children: every slot points at a null of the first child.
                var children = u.Fields.Select((f, i) => CreateData(f.DataType, i == 0 || u.Mode == UnionMode.Sparse ? length : 0)).ToArray();
                ArrowBuffer ids = Fill((byte)u.TypeIds[0], length);
                return u.Mode == UnionMode.Dense
                    ? new ArrayData(type, length, 0, 0, [ids, Iota(length)], children)
                    : new ArrayData(type, length, 0, 0, [ids], children);
            }

            case RunEndEncodedType r:
            {
                if (length == 0)
                {
                    return new ArrayData(type, 0, 0, 0, System.Array.Empty<ArrowBuffer>(), [CreateData(r.RunEndsDataType, 0), CreateData(r.ValuesDataType, 0)]);
                }

                int width = TypeLayout.ByteWidth(r.RunEndsDataType);
                byte[] end = new byte[width];
                switch (width)
                {
                    case 2:
                        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(end, checked((short)length));
                        break;
                    case 4:
                        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(end, length);
                        break;
                    default:
                        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(end, length);
                        break;
                }

                var runEnds = new ArrayData(r.RunEndsDataType, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(end)]);
                return new ArrayData(type, length, 0, 0, System.Array.Empty<ArrowBuffer>(), [runEnds, CreateData(r.ValuesDataType, 1)]);
            }

            case DictionaryType d:
                return new ArrayData(type, length, length, 0, [validity, Zeros(length * TypeLayout.ByteWidth(d.IndexType))], null, CreateData(d.ValueType, 0));
            case StructType s:
                return new ArrayData(type, length, length, 0, [validity], [.. s.Fields.Select(f => CreateData(f.DataType, length))]);
            case FixedSizeListType l:
                return new ArrayData(type, length, length, 0, [validity], [CreateData(l.ValueDataType, length * l.ListSize)]);
            case ListType or MapType:
                return new ArrayData(type, length, length, 0, [validity, Zeros((length + 1) * 4)], [CreateData(TypeLayout.Children(type)[0].DataType, 0)]);
            case LargeListType:
                return new ArrayData(type, length, length, 0, [validity, Zeros((length + 1) * 8)], [CreateData(TypeLayout.Children(type)[0].DataType, 0)]);
            case ListViewType or LargeListViewType:
            {
                int width = type is LargeListViewType ? 8 : 4;
                return new ArrayData(type, length, length, 0, [validity, Zeros(length * width), Zeros(length * width)], [CreateData(TypeLayout.Children(type)[0].DataType, 0)]);
            }

            case StringType or BinaryType:
                return new ArrayData(type, length, length, 0, [validity, Zeros((length + 1) * 4), ArrowBuffer.Empty]);
            case LargeStringType or LargeBinaryType:
                return new ArrayData(type, length, length, 0, [validity, Zeros((length + 1) * 8), ArrowBuffer.Empty]);
            case StringViewType or BinaryViewType:
                return new ArrayData(type, length, length, 0, [validity, Zeros(length * 16)]);
            case BooleanType:
                return new ArrayData(type, length, length, 0, [validity, Zeros(BitOps.ByteCount(length))]);
            default:
                if (!TypeLayout.IsFixedWidth(type))
                {
                    throw new NotSupportedException($"An all-null array of {TypeNames.Describe(type)} cannot be built.");
                }

                return new ArrayData(type, length, length, 0, [validity, Zeros(length * TypeLayout.ByteWidth(type))]);
        }
    }

    private static ArrowBuffer Zeros(int bytes) => bytes == 0 ? ArrowBuffer.Empty : new ArrowBuffer(new byte[bytes]);

    private static ArrowBuffer Fill(byte value, int length)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill(value);
        return new ArrowBuffer(bytes);
    }

    private static ArrowBuffer Iota(int length)
    {
        byte[] bytes = new byte[length * 4];
        Span<int> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }

        return new ArrowBuffer(bytes);
    }
}
