using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Tracks validity while building. The bitmap is only materialised at the first null, so arrays without
/// nulls are built with an empty validity buffer and no bitmap allocation at all.
/// </summary>
internal sealed class ValidityBuilder
{
    private readonly ArrowMemoryAllocator _allocator;
    private BitBuilder? _bits;
    private int _length;
    private int _nullCount;

    public ValidityBuilder(ArrowMemoryAllocator allocator) => _allocator = allocator;

    /// <summary>Elements tracked so far.</summary>
    public int Length => _length;

    /// <summary>Nulls among them.</summary>
    public int NullCount => _nullCount;

    /// <summary>Ensures room for more elements once the bitmap exists.</summary>
    public void Reserve(int additional) => _bits?.Reserve(additional);

    /// <summary>Records a valid element.</summary>
    public void AppendValid()
    {
        _bits?.Append(true);
        _length++;
    }

    /// <summary>Records <paramref name="count"/> valid elements.</summary>
    public void AppendValid(int count)
    {
        _bits?.AppendMany(true, count);
        _length += count;
    }

    /// <summary>Records a null element.</summary>
    public void AppendNull()
    {
        Materialize().Append(false);
        _length++;
        _nullCount++;
    }

    /// <summary>Records <paramref name="count"/> null elements.</summary>
    public void AppendNulls(int count)
    {
        if (count == 0)
        {
            return;
        }

        Materialize().AppendMany(false, count);
        _length += count;
        _nullCount += count;
    }

    /// <summary>Records a valid or null element.</summary>
    public void Append(bool isValid)
    {
        if (isValid)
        {
            AppendValid();
        }
        else
        {
            AppendNull();
        }
    }

    /// <summary>Returns the bitmap (empty when there were no nulls) and the null count, and resets.</summary>
    public (ArrowBuffer Bitmap, int NullCount) Build()
    {
        (ArrowBuffer, int) result = (_bits is null || _nullCount == 0 ? ArrowBuffer.Empty : _bits.Build(), _nullCount);
        _bits = null;
        _length = 0;
        _nullCount = 0;
        return result;
    }

    private BitBuilder Materialize()
    {
        if (_bits is null)
        {
            _bits = new BitBuilder(_allocator);
            _bits.AppendMany(true, _length);
        }

        return _bits;
    }
}
