namespace DataBridge.Arrow;

/// <summary>
/// The physical form of an array: type, logical length and offset, buffers and children. Typed arrays
/// (<see cref="ArrowArray"/> and subclasses) are views over one <see cref="ArrayData"/>.
/// </summary>
/// <remarks>
/// <para>Buffer layout by type; <c>Buffers[0]</c> is always the validity bitmap (empty = no nulls; unused
/// for null and union types):</para>
/// <list type="table">
/// <item><term>null</term><description>[validity (empty)]</description></item>
/// <item><term>bool, int, float, decimal, date, time, timestamp, duration, interval, fixed-size binary</term><description>[validity, values]</description></item>
/// <item><term>utf8, binary (int32 offsets), large utf8, large binary (int64 offsets)</term><description>[validity, offsets, data]</description></item>
/// <item><term>list, map (int32 offsets), large list (int64 offsets)</term><description>[validity, offsets]; one child</description></item>
/// <item><term>fixed-size list, struct</term><description>[validity]; children</description></item>
/// <item><term>sparse union</term><description>[validity (empty), type ids (int8)]; children</description></item>
/// <item><term>dense union</term><description>[validity (empty), type ids (int8), offsets (int32)]; children</description></item>
/// <item><term>dictionary</term><description>[validity, indices]; <see cref="Dictionary"/> holds the values</description></item>
/// </list>
/// <para><see cref="Offset"/> counts elements (or bits for bitmaps) into every buffer of this array. As in
/// Arrow C++, children of struct, fixed-size list and sparse union are <em>not</em> pre-sliced: element
/// <c>i</c> of a struct reads child element <c>Offset + i</c> (times the list size for fixed-size lists).
/// List-like children are addressed through the offsets buffer.</para>
/// </remarks>
public sealed class ArrayData
{
    private int _nullCount;

    /// <summary>Creates array data. The caller guarantees that the buffers match the layout above.</summary>
    /// <param name="type">The type.</param>
    /// <param name="length">Logical length in elements.</param>
    /// <param name="nullCount">Number of nulls, or -1 to compute it from the validity bitmap on first use.</param>
    /// <param name="offset">Logical offset into the buffers.</param>
    /// <param name="buffers">The buffers, validity first.</param>
    /// <param name="children">Child arrays (nested types), or null.</param>
    /// <param name="dictionary">The dictionary values (dictionary type), or null.</param>
    public ArrayData(ArrowType type, int length, int nullCount, int offset, ArrowBuffer[] buffers, ArrayData[]? children = null, ArrayData? dictionary = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Type = type;
        Length = length;
        Offset = offset;
        Buffers = buffers;
        Children = children ?? [];
        Dictionary = dictionary;
        _nullCount = type.TypeId == ArrowTypeId.Null ? length : nullCount;
    }

    /// <summary>The type.</summary>
    public ArrowType Type { get; }

    /// <summary>Logical length in elements.</summary>
    public int Length { get; }

    /// <summary>Logical offset into the buffers, in elements.</summary>
    public int Offset { get; }

    /// <summary>The buffers (see the remarks for the layout).</summary>
    public ArrowBuffer[] Buffers { get; }

    /// <summary>Children of nested types; empty otherwise.</summary>
    public ArrayData[] Children { get; }

    /// <summary>The dictionary of a dictionary-encoded array; null otherwise.</summary>
    public ArrayData? Dictionary { get; }

    /// <summary>The validity bitmap (empty when the array has no nulls or its type has none).</summary>
    public ArrowBuffer Validity => Buffers.Length > 0 ? Buffers[0] : ArrowBuffer.Empty;

    /// <summary>Number of null elements (for unions, always 0: their nulls live in the children).</summary>
    public int NullCount
    {
        get
        {
            if (_nullCount < 0)
            {
                _nullCount = Validity.IsEmpty ? 0 : Length - BitUtility.CountSetBits(Validity.Span, Offset, Length);
            }

            return _nullCount;
        }
    }

    /// <summary>Whether element <paramref name="index"/> (relative to <see cref="Offset"/>) is null.</summary>
    public bool IsNull(int index)
    {
        if (Type.TypeId == ArrowTypeId.Null)
        {
            return true;
        }

        return !Validity.IsEmpty && !BitUtility.GetBit(Validity.Span, Offset + index);
    }

    /// <summary>A zero-copy view of <paramref name="length"/> elements starting at <paramref name="offset"/>.</summary>
    public ArrayData Slice(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Slice [{offset}, {offset}+{length}) is outside an array of length {Length}.");
        }

        int nullCount = _nullCount == 0 ? 0 : length == Length ? _nullCount : -1;
        return new ArrayData(Type, length, nullCount, Offset + offset, Buffers, Children, Dictionary);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Type} [length={Length}, offset={Offset}, nulls={NullCount}]";
}
