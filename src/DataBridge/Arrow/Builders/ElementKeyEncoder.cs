using System.Buffers;
using System.Buffers.Binary;

namespace DataBridge.Arrow;

/// <summary>
/// Writes an unambiguous byte encoding of one element's logical value, so that two elements are
/// equal values exactly when their encodings are equal bytes (used to deduplicate dictionary values).
/// </summary>
/// <remarks>
/// Encoding: a null is <c>0</c>; a value is <c>1</c> followed by its payload — fixed-width values their
/// raw bytes, bools one byte, binary/strings an int32 length and the bytes, lists an int32 count and
/// each element, structs each field, dictionary elements their decoded value; a union element is
/// <c>2</c>, its type id and the child element. Floats compare by bits (so NaNs with different payloads
/// are different values, and -0.0 differs from 0.0).
/// </remarks>
internal static class ElementKeyEncoder
{
    public static void Write(ArrowArray array, int index, ArrayBufferWriter<byte> output)
    {
        if (array is UnionArray union)
        {
            int child = union.GetChildIndex(index);
            WriteByte(output, 2);
            WriteByte(output, (byte)union.GetTypeId(index));
            Write(union.GetChild(child), union.GetValueOffset(index), output);
            return;
        }

        ArrayChecks.CheckIndex(index, array.Length);
        if (array.IsNull(index))
        {
            WriteByte(output, 0);
            return;
        }

        WriteByte(output, 1);
        switch (array)
        {
            case DictionaryArray d:
                Write(d.Dictionary, checked((int)d.GetIndex(index)), output);
                break;
            case BooleanArray b:
                WriteByte(output, b.GetValue(index) ? (byte)1 : (byte)0);
                break;
            case BinaryArray b:
                WriteSized(output, b.GetBytes(index));
                break;
            case LargeBinaryArray b:
                WriteSized(output, b.GetBytes(index));
                break;
            case FixedSizeBinaryArray f:
                output.Write(f.GetBytes(index));
                break;
            case DecimalArray d:
                output.Write(d.GetBytes(index));
                break;
            case ListArray l:
                WriteList(output, l.Values, l.GetValueOffset(index), l.GetValueLength(index));
                break;
            case LargeListArray l:
                WriteList(output, l.Values, checked((int)l.GetValueOffset(index)), checked((int)l.GetValueLength(index)));
                break;
            case FixedSizeListArray l:
                WriteList(output, l.Values, l.GetValueOffset(index), l.ListSize);
                break;
            case StructArray s:
                for (int f = 0; f < s.Fields.Count; f++)
                {
                    Write(s.GetChild(f), index, output);
                }

                break;
            default:
                int width = array.Type.BitWidth / 8;
                output.Write(array.Data.Buffers[1].Span.Slice((array.Offset + index) * width, width));
                break;
        }
    }

    private static void WriteList(ArrayBufferWriter<byte> output, ArrowArray values, int start, int count)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), count);
        output.Advance(4);
        for (int j = 0; j < count; j++)
        {
            Write(values, start + j, output);
        }
    }

    private static void WriteSized(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), bytes.Length);
        output.Advance(4);
        output.Write(bytes);
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
