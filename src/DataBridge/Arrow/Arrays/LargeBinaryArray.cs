using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of variable-length byte strings with 64-bit offsets: element <c>i</c> is
/// <c>data[offsets[i]..offsets[i+1]]</c>. Also the base of <see cref="LargeStringArray"/>.
/// </summary>
public class LargeBinaryArray : ArrowArray
{
    /// <summary>Wraps largebinary (or largeutf8) array data.</summary>
    /// <exception cref="ArgumentException">The data has another type or its buffers are too small.</exception>
    public LargeBinaryArray(ArrayData data)
        : base(data)
    {
        if (data.Type.TypeId is not (ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8))
        {
            ArrayChecks.ThrowWrongType(data, "largebinary or largeutf8");
        }

        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 3);

        // An empty array may come with an empty offsets buffer (older writers); otherwise the offsets
        // of the window must exist. The offset values themselves are content, checked where they are
        // used: a malformed one makes the element accessors throw ArgumentOutOfRangeException, never
        // read outside the data (readers of untrusted input validate them all up front).
        if (data.Length > 0 || !data.Buffers[1].IsEmpty)
        {
            ArrayChecks.RequireFixedWidth(data, 1, 8, extra: 1);
        }
    }

    /// <summary>The <c>Length + 1</c> offsets of this array's window (empty for an empty array without offsets).</summary>
    public ReadOnlySpan<long> ValueOffsets => Data.Buffers[1].IsEmpty ? default : Data.Buffers[1].As<long>().Slice(Offset, Length + 1);

    /// <summary>The whole data buffer (offsets index into it).</summary>
    public ReadOnlySpan<byte> ValueData => Data.Buffers[2].Span;

    /// <summary>The offset of element <paramref name="index"/> in <see cref="ValueData"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public long GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<long>()[Offset + index];
    }

    /// <summary>The length in bytes of element <paramref name="index"/> (0 for nulls, normally).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public long GetValueLength(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        ReadOnlySpan<long> offsets = Data.Buffers[1].As<long>();
        return offsets[Offset + index + 1] - offsets[Offset + index];
    }

    /// <summary>The bytes of element <paramref name="index"/> (no copy; empty for a null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the array, or the offsets are malformed.</exception>
    public ReadOnlySpan<byte> GetBytes(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        if (IsNull(index))
        {
            return default;
        }

        ReadOnlySpan<long> offsets = Data.Buffers[1].As<long>();
        long start = offsets[Offset + index];
        long end = offsets[Offset + index + 1];
        if (start < 0 || end < start || end > Data.Buffers[2].Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has malformed offsets [{start}, {end}).");
        }

        return Data.Buffers[2].Span[(int)start..(int)end];
    }

    /// <summary>Builds <see cref="LargeBinaryArray"/> instances. After <see cref="Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : IArrowArrayBuilder, IBinaryValueAppender
    {
        private readonly VariableBinaryBuilder _core;

        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null) =>
            _core = new VariableBinaryBuilder(true, allocator ?? ArrowMemoryAllocator.Default);

        /// <inheritdoc />
        public ArrowType DataType => LargeBinaryType.Default;

        /// <inheritdoc />
        public int Length => _core.Length;

        /// <inheritdoc />
        public int NullCount => _core.NullCount;

        /// <summary>Appends a byte string.</summary>
        public Builder Append(ReadOnlySpan<byte> value)
        {
            _core.Append(value);
            return this;
        }

        /// <summary>Appends a null.</summary>
        public Builder AppendNull()
        {
            _core.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values of <paramref name="additionalBytes"/> bytes in all.</summary>
        public Builder Reserve(int additional, int additionalBytes = 0)
        {
            _core.Reserve(additional, additionalBytes);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not LargeBinaryArray typed)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            if (typed.IsNull(index))
            {
                ArrayChecks.CheckIndex(index, typed.Length);
                AppendNull();
            }
            else
            {
                Append(typed.GetBytes(index));
            }
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public LargeBinaryArray Build() => new(_core.Build(DataType));

        /// <inheritdoc />
        void IBinaryValueAppender.AppendBytes(ReadOnlySpan<byte> value) => Append(value);

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
