using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Builds the buffers of a bool array (bit-packed values and a validity bitmap made only at the first
/// null) as Apache.Arrow <see cref="ArrayData"/>, without the copy Apache.Arrow's builder makes at build.
/// </summary>
internal sealed class BooleanValuesBuilder
{
    private readonly BitBuilder _values;
    private readonly ValidityBuilder _validity;

    public BooleanValuesBuilder(ArrowMemoryAllocator? allocator = null)
    {
        allocator ??= ArrowMemoryAllocator.Default;
        _values = new BitBuilder(allocator);
        _validity = new ValidityBuilder(allocator);
    }

    public int Length => _validity.Length;

    public void Append(bool value)
    {
        _values.Append(value);
        _validity.AppendValid();
    }

    /// <summary>Appends a null; its value bit is 0.</summary>
    public void AppendNull()
    {
        _values.Append(false);
        _validity.AppendNull();
    }

    public void Reserve(int additional)
    {
        _values.Reserve(additional);
        _validity.Reserve(additional);
    }

    /// <summary>The array data of everything appended; the builder is reset.</summary>
    public ArrayData Build()
    {
        int length = Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        return new ArrayData(BooleanType.Default, length, nullCount, 0, new[] { validity, _values.Build() });
    }
}
