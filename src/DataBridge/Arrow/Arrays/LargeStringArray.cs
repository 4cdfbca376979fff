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

    /// <summary>Builds <see cref="LargeStringArray"/> instances. After <see cref="Build"/> the builder is empty and reusable.</summary>
    public new sealed class Builder : IArrowArrayBuilder, IBinaryValueAppender
    {
        private readonly VariableBinaryBuilder _core;

        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null) =>
            _core = new VariableBinaryBuilder(true, allocator ?? ArrowMemoryAllocator.Default);

        /// <inheritdoc />
        public ArrowType DataType => LargeUtf8Type.Default;

        /// <inheritdoc />
        public int Length => _core.Length;

        /// <inheritdoc />
        public int NullCount => _core.NullCount;

        /// <summary>Appends a string (encoded straight into the data buffer), or a null.</summary>
        public Builder Append(string? value)
        {
            if (value is null)
            {
                _core.AppendNull();
            }
            else
            {
                _core.Append(value);
            }

            return this;
        }

        /// <summary>Appends already UTF-8 encoded bytes (not validated).</summary>
        public Builder AppendUtf8(ReadOnlySpan<byte> utf8)
        {
            _core.Append(utf8);
            return this;
        }

        /// <summary>Appends strings and nulls.</summary>
        public Builder AppendRange(IEnumerable<string?> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            foreach (string? v in values)
            {
                Append(v);
            }

            return this;
        }

        /// <summary>Appends a null.</summary>
        public Builder AppendNull()
        {
            _core.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more values of <paramref name="additionalBytes"/> UTF-8 bytes in all.</summary>
        public Builder Reserve(int additional, int additionalBytes = 0)
        {
            _core.Reserve(additional, additionalBytes);
            return this;
        }

        /// <inheritdoc />
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is not LargeStringArray typed)
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
                AppendUtf8(typed.GetBytes(index));
            }
        }

        /// <summary>Produces the array and resets the builder.</summary>
        public LargeStringArray Build() => new(_core.Build(DataType));

        /// <inheritdoc />
        void IBinaryValueAppender.AppendBytes(ReadOnlySpan<byte> value) => AppendUtf8(value);

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();
    }
}
