using System.Buffers.Binary;

namespace DataBridge.Arrow;

/// <summary>
/// A dictionary-encoded array: integer <see cref="Indices"/> (with this array's validity) into a
/// <see cref="Dictionary"/> array of the value type. The null count is that of the indices.
/// </summary>
public sealed partial class DictionaryArray : ArrowArray
{
    private readonly int _indexWidth;
    private readonly bool _indexSigned;
    private ArrowArray? _indices;
    private ArrowArray? _dictionary;

    /// <summary>Wraps dictionary-encoded array data (its <see cref="ArrayData.Dictionary"/> must be set).</summary>
    /// <exception cref="ArgumentException">The data is not dictionary-encoded, has no dictionary, or its buffers are too small.</exception>
    public DictionaryArray(ArrayData data)
        : base(data)
    {
        ArrayChecks.RequireType(data, ArrowTypeId.Dictionary);
        ArrayChecks.RequireValidity(data);
        if (data.Dictionary is null)
        {
            throw new ArgumentException("Dictionary-encoded array data has no dictionary.", nameof(data));
        }

        DictionaryType = (DictionaryType)data.Type;
        _indexWidth = DictionaryType.IndexType.BitWidth / 8;
        _indexSigned = DictionaryType.IndexType.IsSigned;
        ArrayChecks.RequireFixedWidth(data, 1, _indexWidth);
    }

    /// <summary>The type (index type, value type, ordered flag, id).</summary>
    public DictionaryType DictionaryType { get; }

    /// <summary>The indices as an integer array of the index type, sharing this array's window and validity.</summary>
    public ArrowArray Indices => _indices ??= ArrowArray.Create(new ArrayData(DictionaryType.IndexType, Length, -1, Offset, Data.Buffers));

    /// <summary>The dictionary: the distinct (or not) values the indices point to.</summary>
    public ArrowArray Dictionary => _dictionary ??= ArrowArray.Create(Data.Dictionary!);

    /// <summary>The stored index of element <paramref name="index"/>, whether or not it is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public long GetIndex(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        ReadOnlySpan<byte> slot = Data.Buffers[1].Span.Slice((Offset + index) * _indexWidth, _indexWidth);
        return (_indexWidth, _indexSigned) switch
        {
            (1, true) => (sbyte)slot[0],
            (1, false) => slot[0],
            (2, true) => BinaryPrimitives.ReadInt16LittleEndian(slot),
            (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(slot),
            (4, true) => BinaryPrimitives.ReadInt32LittleEndian(slot),
            (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(slot),
            (8, true) => BinaryPrimitives.ReadInt64LittleEndian(slot),
            _ => (long)BinaryPrimitives.ReadUInt64LittleEndian(slot),
        };
    }

    /// <summary>The position in <see cref="Dictionary"/> of element <paramref name="index"/>'s value, checked against the dictionary's length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or its stored index is outside the dictionary.</exception>
    public int GetDictionaryIndex(int index)
    {
        long stored = GetIndex(index);
        return stored >= 0 && stored < Dictionary.Length
            ? (int)stored
            : throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has index {stored}, outside a dictionary of {Dictionary.Length} values.");
    }
}
