using System.Text;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of UTF-8 strings with 64-bit offsets (<c>largeutf8</c>).</summary>
public sealed class LargeStringArray : LargeBinaryArray
{
    /// <summary>Wraps largeutf8 array data.</summary>
    /// <exception cref="ArgumentException">The data is not largeutf8 or its buffers are too small.</exception>
    public LargeStringArray(ArrayData data)
        : base(data) => ArrayChecks.RequireType(data, ArrowTypeId.LargeUtf8);

    /// <summary>Element <paramref name="index"/> decoded from UTF-8 (a new string), or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or the offsets are malformed.</exception>
    public string? GetString(int index) => IsNull(index) ? null : Encoding.UTF8.GetString(GetBytes(index));

    /// <summary>Builds <see cref="LargeStringArray"/> instances. After <see cref="BinaryArrayBase{TOffset}.BuilderBase{TArray, TSelf}.Build"/> the builder is empty and reusable.</summary>
    public new sealed class Builder : BuilderBase<LargeStringArray, Builder>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(LargeUtf8Type.Default, allocator)
        {
        }

        /// <summary>Appends a string (encoded straight into the data buffer), or a null.</summary>
        public Builder Append(string? value) => AppendValue(value);

        /// <summary>Appends already UTF-8 encoded bytes (not validated).</summary>
        public Builder AppendUtf8(ReadOnlySpan<byte> utf8) => AppendValue(utf8);

        /// <summary>Appends strings and nulls.</summary>
        public Builder AppendRange(IEnumerable<string?> values) => AppendValues(values);
    }
}
