using System.Buffers.Binary;
using Microsoft.Data.Analysis;

namespace DataBridge.Mda;

/// <summary>Dictionary-encoded arrays → their values (MDA has no categorical column).</summary>
internal static partial class MdaConversion
{
    /// <summary>
    /// A dictionary array of a fixed-width or bool value type decoded into a plain array of that type: each row
    /// takes its dictionary entry; a null index or a null entry is a null row.
    /// </summary>
    private static IArrowArray DecodeDictionary(string column, DictionaryArray array)
    {
        IArrowArray dictionary = array.Dictionary;
        IArrowType type = dictionary.Data.DataType;
        int length = array.Length;
        var validity = new byte[MdaBits.ByteCount(length)];
        int nullCount = 0;
        byte[] values;
        if (type.TypeId == ArrowTypeId.Boolean)
        {
            values = new byte[MdaBits.ByteCount(length)];
            ReadOnlySpan<byte> bits = dictionary.Data.Buffers[1].Span;
            for (int i = 0; i < length; i++)
            {
                if (TryIndex(column, array, i, out int entry))
                {
                    MdaBits.Set(validity, i);
                    if (MdaBits.Get(bits, dictionary.Offset + entry))
                    {
                        MdaBits.Set(values, i);
                    }
                }
                else
                {
                    nullCount++;
                }
            }
        }
        else if (type is FixedWidthType fixedWidth && fixedWidth.BitWidth % 8 == 0 && dictionary.Data.Buffers.Length == 2)
        {
            int width = fixedWidth.BitWidth / 8;
            values = new byte[length * width];
            ReadOnlySpan<byte> entries = dictionary.Data.Buffers[1].Span.Slice(dictionary.Offset * width);
            for (int i = 0; i < length; i++)
            {
                if (TryIndex(column, array, i, out int entry))
                {
                    MdaBits.Set(validity, i);
                    entries.Slice(entry * width, width).CopyTo(values.AsSpan(i * width));
                }
                else
                {
                    nullCount++;
                }
            }
        }
        else
        {
            throw Unsupported(column, array.Data.DataType);
        }

        return ArrowArrayFactory.BuildArray(new ArrayData(type, length, nullCount, 0,
            [nullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(validity), new ArrowBuffer(values)]));
    }

    /// <summary>Dictionary-encoded strings: each entry becomes one .NET string, shared by every row that uses it.</summary>
    private static StringDataFrameColumn DictionaryStrings(string column, List<IArrowArray> arrays)
    {
        var values = new string?[arrays.Sum(a => (long)a.Length)];
        long row = 0;
        foreach (DictionaryArray array in arrays.Cast<DictionaryArray>())
        {
            string?[] entries = [.. Strings(column, [array.Dictionary])];
            for (int i = 0; i < array.Length; i++)
            {
                values[row++] = TryIndex(column, array, i, out int entry) ? entries[entry] : null;
            }
        }

        return new StringDataFrameColumn(column, values);
    }

    /// <summary>Row <paramref name="row"/>'s dictionary entry; false for a null index or a null entry.</summary>
    private static bool TryIndex(string column, DictionaryArray array, int row, out int entry)
    {
        IArrowArray indices = array.Indices;
        entry = -1;
        if (indices.IsNull(row))
        {
            return false;
        }

        ReadOnlySpan<byte> buffer = indices.Data.Buffers[1].Span;
        int at = indices.Offset + row;
        long index = indices.Data.DataType.TypeId switch
        {
            ArrowTypeId.Int8 => (sbyte)buffer[at],
            ArrowTypeId.UInt8 => buffer[at],
            ArrowTypeId.Int16 => BinaryPrimitives.ReadInt16LittleEndian(buffer.Slice(at * 2)),
            ArrowTypeId.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice(at * 2)),
            ArrowTypeId.Int32 => BinaryPrimitives.ReadInt32LittleEndian(buffer.Slice(at * 4)),
            ArrowTypeId.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(at * 4)),
            ArrowTypeId.Int64 => BinaryPrimitives.ReadInt64LittleEndian(buffer.Slice(at * 8)),
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(buffer.Slice(at * 8)), long.MaxValue),
        };
        if (index < 0 || index >= array.Dictionary.Length)
        {
            throw new ArrowFormatException($"Column '{column}' row {row}: dictionary index {index} is outside the dictionary of {array.Dictionary.Length} entries.");
        }

        entry = (int)index;
        return !array.Dictionary.IsNull(entry);
    }
}
