using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary>
/// Copies chosen rows of a column, scattered over several partitions, into one new array (the "take"
/// behind <see cref="ArrowFrame.PartitionBy"/>).
/// </summary>
/// <remarks>
/// Flat types are copied value by value into our buffer builders (fixed-width slots, bits, binary
/// bytes). Every other type (nested, dictionary, union, views, run-end encoded) is taken as zero-copy
/// slices, one per run of consecutive rows of one partition, joined by <see cref="ArrayConcatenator"/>,
/// so whatever the concatenator can join can be partitioned.
/// </remarks>
internal static class RowGather
{
    /// <summary>Rows <paramref name="rows"/> (partition, row within it) of <paramref name="sources"/> (the column's array per partition), in that order.</summary>
    public static IArrowArray Take(IArrowType type, IArrowArray[] sources, IReadOnlyList<(int Batch, int Row)> rows)
    {
        if (rows.Count == 0)
        {
            return ArrowArrayFactory.BuildArray(AllNullArrays.Create(type, 0));
        }

        return type switch
        {
            BooleanType => Booleans(sources, rows),
            StringType or BinaryType => Binary(type, large: false, sources, rows),
            LargeStringType or LargeBinaryType => Binary(type, large: true, sources, rows),
            DictionaryType => Slices(sources, rows),
            FixedWidthType f when f.BitWidth % 8 == 0 => FixedWidth(type, f.BitWidth / 8, sources, rows),
            _ => Slices(sources, rows),
        };
    }

    private static IArrowArray FixedWidth(IArrowType type, int width, IArrowArray[] sources, IReadOnlyList<(int Batch, int Row)> rows)
    {
        var builder = new FixedWidthBinaryBuilder(type, width, allocator: null);
        builder.Reserve(rows.Count);
        foreach ((int b, int r) in rows)
        {
            IArrowArray source = sources[b];
            if (source.IsNull(r))
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(source.Data.Buffers[1].Span.Slice((source.Offset + r) * width, width));
            }
        }

        return ArrowArrayFactory.BuildArray(builder.Build());
    }

    private static IArrowArray Booleans(IArrowArray[] sources, IReadOnlyList<(int Batch, int Row)> rows)
    {
        var builder = new BooleanValuesBuilder();
        builder.Reserve(rows.Count);
        foreach ((int b, int r) in rows)
        {
            if (((BooleanArray)sources[b]).GetValue(r) is bool value)
            {
                builder.Append(value);
            }
            else
            {
                builder.AppendNull();
            }
        }

        return ArrowArrayFactory.BuildArray(builder.Build());
    }

    private static IArrowArray Binary(IArrowType type, bool large, IArrowArray[] sources, IReadOnlyList<(int Batch, int Row)> rows)
    {
        var builder = new VariableBinaryBuilder(large, ArrowMemoryAllocator.Default);
        builder.Reserve(rows.Count, 0);
        foreach ((int b, int r) in rows)
        {
            IArrowArray source = sources[b];
            if (source.IsNull(r))
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(large ? ((LargeBinaryArray)source).GetBytes(r) : ((BinaryArray)source).GetBytes(r));
            }
        }

        return ArrowArrayFactory.BuildArray(builder.Build(type));
    }

    private static IArrowArray Slices(IArrowArray[] sources, IReadOnlyList<(int Batch, int Row)> rows)
    {
        var pieces = new List<ArrayData>();
        int start = 0;
        for (int i = 1; i <= rows.Count; i++)
        {
            bool runEnds = i == rows.Count || rows[i].Batch != rows[start].Batch || rows[i].Row != rows[i - 1].Row + 1;
            if (runEnds)
            {
                pieces.Add(sources[rows[start].Batch].Data.Slice(rows[start].Row, i - start));
                start = i;
            }
        }

        return ArrowArrayFactory.BuildArray(pieces.Count == 1 ? pieces[0] : ArrayConcatenator.Concatenate(pieces));
    }
}
