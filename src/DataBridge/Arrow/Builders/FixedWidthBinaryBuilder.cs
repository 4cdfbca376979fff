using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Builds fixed-size binary and decimal arrays as Apache.Arrow <see cref="ArrayData"/>: a values buffer of
/// <c>byteWidth</c>-byte slots (a null's slot is left as allocated, zeroed) and validity.
/// </summary>
internal sealed class FixedWidthBinaryBuilder
{
    private readonly IArrowType _type;
    private readonly int _width;
    private readonly BufferBuilder _values;
    private readonly ValidityBuilder _validity;

    public FixedWidthBinaryBuilder(IArrowType type, int byteWidth, ArrowMemoryAllocator? allocator)
    {
        _type = type;
        _width = byteWidth;
        allocator ??= ArrowMemoryAllocator.Default;
        _values = new BufferBuilder(allocator);
        _validity = new ValidityBuilder(allocator);
    }

    public int Length => _validity.Length;

    public int NullCount => _validity.NullCount;

    /// <summary>Appends a valid value; the caller has checked that it is <c>byteWidth</c> bytes.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        _values.AppendRange(value);
        _validity.AppendValid();
    }

    /// <summary>Appends a valid value and returns its slot, for the caller to fill.</summary>
    public Span<byte> AppendSlot()
    {
        Span<byte> slot = _values.Extend(_width);
        _validity.AppendValid();
        return slot;
    }

    public void AppendNull()
    {
        _values.Extend(_width);
        _validity.AppendNull();
    }

    public void Reserve(int additional)
    {
        _values.Reserve(checked(additional * _width));
        _validity.Reserve(additional);
    }

    public ArrayData Build()
    {
        int length = Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        return new ArrayData(_type, length, nullCount, 0, new[] { validity, _values.Build() });
    }
}
