using System.Numerics;
using System.Runtime.CompilerServices;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// The shared part of the variable-length byte string arrays, <see cref="BinaryArray"/> (32-bit offsets)
/// and <see cref="LargeBinaryArray"/> (64-bit offsets), and so of their string subclasses: element
/// <c>i</c> is <c>data[offsets[i]..offsets[i+1]]</c>.
/// </summary>
/// <typeparam name="TOffset">The offset type: <see cref="int"/> or <see cref="long"/>.</typeparam>
public abstract class BinaryArrayBase<TOffset> : ArrowArray
    where TOffset : unmanaged, IBinaryInteger<TOffset>
{
    private protected BinaryArrayBase(ArrayData data)
        : base(data)
    {
        if (Large ? data.Type.TypeId is not (ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8) : data.Type.TypeId is not (ArrowTypeId.Binary or ArrowTypeId.Utf8))
        {
            ArrayChecks.ThrowWrongType(data, Large ? "largebinary or largeutf8" : "binary or utf8");
        }

        ArrayChecks.RequireValidity(data);
        ArrayChecks.RequireBuffers(data, 3);

        // An empty array may come with an empty offsets buffer (older writers); otherwise the offsets
        // of the window must exist. The offset values themselves are content, checked where they are
        // used: a malformed one makes the element accessors throw ArgumentOutOfRangeException, never
        // read outside the data (readers of untrusted input validate them all up front).
        if (data.Length > 0 || !data.Buffers[1].IsEmpty)
        {
            ArrayChecks.RequireFixedWidth(data, 1, Unsafe.SizeOf<TOffset>(), extra: 1);
        }
    }

    /// <summary>The <c>Length + 1</c> offsets of this array's window (empty for an empty array without offsets).</summary>
    public ReadOnlySpan<TOffset> ValueOffsets => Data.Buffers[1].IsEmpty ? default : Data.Buffers[1].As<TOffset>().Slice(Offset, Length + 1);

    /// <summary>The whole data buffer (offsets index into it).</summary>
    public ReadOnlySpan<byte> ValueData => Data.Buffers[2].Span;

    /// <summary>Whether the offsets are 64-bit (a JIT-time constant).</summary>
    private static bool Large => typeof(TOffset) == typeof(long);

    /// <summary>The offset of element <paramref name="index"/> in <see cref="ValueData"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public TOffset GetValueOffset(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        return Data.Buffers[1].As<TOffset>()[Offset + index];
    }

    /// <summary>The length in bytes of element <paramref name="index"/> (0 for nulls, normally).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the array.</exception>
    public TOffset GetValueLength(int index)
    {
        ArrayChecks.CheckIndex(index, Length);
        ReadOnlySpan<TOffset> offsets = Data.Buffers[1].As<TOffset>();
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

        ReadOnlySpan<TOffset> offsets = Data.Buffers[1].As<TOffset>();
        TOffset start = offsets[Offset + index];
        TOffset end = offsets[Offset + index + 1];
        if (TOffset.IsNegative(start) || end < start || end > TOffset.CreateTruncating(Data.Buffers[2].Length))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Element {index} has malformed offsets [{start}, {end}).");
        }

        return Data.Buffers[2].Span[int.CreateTruncating(start)..int.CreateTruncating(end)];
    }

    /// <summary>
    /// The shared part of the binary and string builders (one engine for all four).
    /// After <see cref="Build"/> the builder is empty and reusable.
    /// </summary>
    /// <typeparam name="TArray">The array the builder produces.</typeparam>
    /// <typeparam name="TSelf">The concrete builder, returned by the chaining methods.</typeparam>
    public abstract class BuilderBase<TArray, TSelf> : IArrowArrayBuilder, IBinaryValueAppender
        where TArray : BinaryArrayBase<TOffset>
        where TSelf : BuilderBase<TArray, TSelf>
    {
        private readonly VariableBinaryBuilder _core;

        private protected BuilderBase(ArrowType type, ArrowMemoryAllocator? allocator)
        {
            DataType = type;
            _core = new VariableBinaryBuilder(Large, allocator ?? ArrowMemoryAllocator.Default);
        }

        /// <inheritdoc />
        public ArrowType DataType { get; }

        /// <inheritdoc />
        public int Length => _core.Length;

        /// <inheritdoc />
        public int NullCount => _core.NullCount;

        /// <summary>Appends a null.</summary>
        public TSelf AppendNull()
        {
            _core.AppendNull();
            return Unsafe.As<TSelf>(this);
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values of <paramref name="additionalBytes"/> bytes in all.</summary>
        public TSelf Reserve(int additional, int additionalBytes = 0)
        {
            _core.Reserve(additional, additionalBytes);
            return Unsafe.As<TSelf>(this);
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not TArray typed)
            {
                ArrayChecks.ThrowWrongSource(DataType, source.Type);
                return;
            }

            if (typed.IsNull(index))
            {
                ArrayChecks.CheckIndex(index, typed.Length);
                _core.AppendNull();
            }
            else
            {
                _core.Append(typed.GetBytes(index));
            }
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public TArray Build() => (TArray)ArrowArray.Create(_core.Build(DataType));

        /// <summary>Appends a value given as bytes (for a string, UTF-8, not validated).</summary>
        private protected TSelf AppendValue(ReadOnlySpan<byte> value)
        {
            _core.Append(value);
            return Unsafe.As<TSelf>(this);
        }

        /// <summary>Appends a string (encoded straight into the data buffer), or a null.</summary>
        private protected TSelf AppendValue(string? value)
        {
            if (value is null)
            {
                _core.AppendNull();
            }
            else
            {
                _core.Append(value);
            }

            return Unsafe.As<TSelf>(this);
        }

        /// <summary>Appends strings and nulls.</summary>
        private protected TSelf AppendValues(IEnumerable<string?> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            foreach (string? v in values)
            {
                AppendValue(v);
            }

            return Unsafe.As<TSelf>(this);
        }

        /// <inheritdoc />
        void IBinaryValueAppender.AppendBytes(ReadOnlySpan<byte> value) => _core.Append(value);

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
