using System.Text;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Builds binary and string arrays (utf8, large_utf8, binary, large_binary) as Apache.Arrow
/// <see cref="ArrayData"/>: an offsets buffer (int32, or int64 when
/// <c>large</c>) that always holds the end offset of the last value, a data buffer, and validity.
/// </summary>
internal sealed class VariableBinaryBuilder
{
    private readonly bool _large;
    private readonly BufferBuilder _offsets;
    private readonly BufferBuilder _data;
    private readonly ValidityBuilder _validity;

    public VariableBinaryBuilder(bool large, ArrowMemoryAllocator allocator)
    {
        _large = large;
        _offsets = new BufferBuilder(allocator);
        _data = new BufferBuilder(allocator);
        _validity = new ValidityBuilder(allocator);
    }

    public int Length => _validity.Length;

    public int NullCount => _validity.NullCount;

    /// <summary>Bytes of value data appended so far.</summary>
    public int DataLength => _data.Length;

    public void Reserve(int additionalValues, int additionalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(additionalValues);
        _offsets.Reserve(checked((additionalValues + 1) * (_large ? 8 : 4)));
        _data.Reserve(additionalBytes);
        _validity.Reserve(additionalValues);
    }

    public void Append(ReadOnlySpan<byte> value)
    {
        WriteFirstOffset();
        _data.AppendRange(value);
        WriteEndOffset();
        _validity.AppendValid();
    }

    public void Append(string value)
    {
        WriteFirstOffset();
        int count = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, _data.Extend(count));
        WriteEndOffset();
        _validity.AppendValid();
    }

    public void AppendNull()
    {
        WriteFirstOffset();
        WriteEndOffset();
        _validity.AppendNull();
    }

    public ArrayData Build(IArrowType type)
    {
        // A zero-length array still gets its single 0 offset (as Arrow C++ writes it).
        WriteFirstOffset();
        int length = Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        return new ArrayData(type, length, nullCount, 0, new[] { validity, _offsets.Build(), _data.Build() });
    }

    private void WriteFirstOffset()
    {
        if (_offsets.Length == 0)
        {
            if (_large)
            {
                _offsets.Append(0L);
            }
            else
            {
                _offsets.Append(0);
            }
        }
    }

    private void WriteEndOffset()
    {
        if (_large)
        {
            _offsets.Append((long)_data.Length);
        }
        else
        {
            _offsets.Append(_data.Length);
        }
    }
}
