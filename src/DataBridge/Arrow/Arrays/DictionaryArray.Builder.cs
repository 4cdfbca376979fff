using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

public sealed partial class DictionaryArray
{
    /// <summary>
    /// Builds <see cref="DictionaryArray"/> instances, deduplicating values: each distinct value is
    /// appended once to the dictionary and every element stores its index (of the type's index type).
    /// Nulls are null indices, never dictionary entries. After <see cref="Build"/> the builder is empty
    /// and reusable, and the next array gets a new dictionary.
    /// </summary>
    public sealed class Builder : IArrowArrayBuilder
    {
        private readonly DictionaryType _type;
        private readonly IArrowArrayBuilder _values;
        private readonly BufferBuilder _indices;
        private readonly ValidityBuilder _validity;
        private readonly ByteKeyTable _keys = new();
        private readonly ArrayBufferWriter<byte> _scratch = new();
        private readonly long _maxIndex;

        /// <summary>Creates a builder.</summary>
        /// <param name="type">Index type, value type, ordered flag and id of the arrays to build.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(DictionaryType type, ArrowMemoryAllocator? allocator = null)
        {
            _type = type ?? throw new ArgumentNullException(nameof(type));
            _values = ArrowArrayBuilderFactory.Create(type.ValueType, allocator);
            allocator ??= ArrowMemoryAllocator.Default;
            _indices = new BufferBuilder(allocator);
            _validity = new ValidityBuilder(allocator);
            IntType it = type.IndexType;
            _maxIndex = it.BitWidth == 64 ? long.MaxValue : (1L << (it.IsSigned ? it.BitWidth - 1 : it.BitWidth)) - 1;
        }

        /// <inheritdoc />
        public ArrowType DataType => _type;

        /// <inheritdoc />
        public int Length => _validity.Length;

        /// <inheritdoc />
        public int NullCount => _validity.NullCount;

        /// <summary>Number of distinct values in the dictionary so far.</summary>
        public int DictionaryLength => _keys.Count;

        /// <summary>Appends a string (the value type must be utf8 or large utf8), or a null.</summary>
        /// <exception cref="InvalidOperationException">The value type is not a string type.</exception>
        /// <exception cref="OverflowException">The dictionary outgrew the index type.</exception>
        public Builder Append(string? value)
        {
            if (value is null)
            {
                return AppendNull();
            }

            if (_type.ValueType.TypeId is not (ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8))
            {
                throw new InvalidOperationException($"Cannot append a string to a dictionary of {_type.ValueType}.");
            }

            int max = Encoding.UTF8.GetMaxByteCount(value.Length);
            _scratch.Clear();
            Span<byte> span = _scratch.GetSpan(5 + max);
            span[0] = 1;
            int count = Encoding.UTF8.GetBytes(value, span[5..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[1..], count);
            return AppendEncoded(span[..(5 + count)], span.Slice(5, count));
        }

        /// <summary>Appends a byte string (binary, string, fixed-size binary or decimal value types; decimals as raw little-endian bytes).</summary>
        /// <exception cref="InvalidOperationException">The value type does not take bytes.</exception>
        /// <exception cref="OverflowException">The dictionary outgrew the index type.</exception>
        public Builder Append(ReadOnlySpan<byte> value)
        {
            bool sized = _type.ValueType.TypeId is ArrowTypeId.Binary or ArrowTypeId.Utf8 or ArrowTypeId.LargeBinary or ArrowTypeId.LargeUtf8;
            if (!sized && _type.ValueType.TypeId is not (ArrowTypeId.FixedSizeBinary or ArrowTypeId.Decimal))
            {
                throw new InvalidOperationException($"Cannot append bytes to a dictionary of {_type.ValueType}.");
            }

            _scratch.Clear();
            int header = sized ? 5 : 1;
            Span<byte> span = _scratch.GetSpan(header + value.Length);
            span[0] = 1;
            if (sized)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[1..], value.Length);
            }

            value.CopyTo(span[header..]);
            return AppendEncoded(span[..(header + value.Length)], value);
        }

        /// <summary>Appends a fixed-width value (the value builder must store <typeparamref name="T"/>, e.g. long for int64 or timestamps).</summary>
        /// <exception cref="InvalidOperationException">The value type does not store <typeparamref name="T"/>.</exception>
        /// <exception cref="OverflowException">The dictionary outgrew the index type.</exception>
        public Builder Append<T>(T value)
            where T : unmanaged
        {
            if (_values is not IPrimitiveValueAppender<T> appender)
            {
                throw new InvalidOperationException($"Cannot append a {typeof(T).Name} to a dictionary of {_type.ValueType}.");
            }

            _scratch.Clear();
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));
            Span<byte> span = _scratch.GetSpan(1 + bytes.Length);
            span[0] = 1;
            bytes.CopyTo(span[1..]);
            if (TryAddKey(span[..(1 + bytes.Length)], out int index))
            {
                appender.AppendValue(value);
            }

            return AppendIndex(index);
        }

        /// <summary>Appends a null index.</summary>
        public Builder AppendNull()
        {
            WriteIndex(0);
            _validity.AppendNull();
            return this;
        }

        /// <summary>Ensures room for <paramref name="additional"/> more indices.</summary>
        public Builder Reserve(int additional)
        {
            _indices.Reserve(checked(additional * (_type.IndexType.BitWidth / 8)));
            _validity.Reserve(additional);
            return this;
        }

        /// <summary>
        /// Appends element <paramref name="index"/> of <paramref name="source"/>: an array of the value
        /// type, or a dictionary-encoded array of this builder's value type (whose value is re-encoded here).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="source"/> holds another type.</exception>
        /// <exception cref="OverflowException">The dictionary outgrew the index type.</exception>
        public void AppendFrom(ArrowArray source, int index)
        {
            ArgumentNullException.ThrowIfNull(source);
            if (source is DictionaryArray encoded && DictionaryDepth(source.Type) == DictionaryDepth(_type.ValueType) + 1)
            {
                if (encoded.IsNull(index))
                {
                    ArrayChecks.CheckIndex(index, encoded.Length);
                    AppendNull();
                    return;
                }

                index = encoded.GetDictionaryIndex(index);
                source = encoded.Dictionary;
            }

            if (source.Type.TypeId != _type.ValueType.TypeId)
            {
                ArrayChecks.ThrowWrongSource(_type.ValueType, source.Type);
            }

            if (source is not UnionArray && source.IsNull(index))
            {
                ArrayChecks.CheckIndex(index, source.Length);
                AppendNull();
                return;
            }

            _scratch.Clear();
            ElementKeyEncoder.Write(source, index, _scratch);
            if (TryAddKey(_scratch.WrittenSpan, out int entry))
            {
                _values.AppendFrom(source, index);
            }

            AppendIndex(entry);
        }

        /// <summary>Produces the array (with its dictionary) and resets the builder.</summary>
        public DictionaryArray Build()
        {
            int length = Length;
            (ArrowBuffer validity, int nullCount) = _validity.Build();
            ArrayData dictionary = _values.Build().Data;
            _keys.Clear();
            return new DictionaryArray(new ArrayData(_type, length, nullCount, 0, [validity, _indices.Build()], null, dictionary));
        }

        /// <inheritdoc />
        void IArrowArrayBuilder.AppendNull() => AppendNull();

        /// <inheritdoc />
        void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

        /// <inheritdoc />
        ArrowArray IArrowArrayBuilder.Build() => Build();

        private static int DictionaryDepth(ArrowType type)
        {
            int depth = 0;
            while (type is DictionaryType d)
            {
                depth++;
                type = d.ValueType;
            }

            return depth;
        }

        private Builder AppendEncoded(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            if (TryAddKey(key, out int index))
            {
                ((IBinaryValueAppender)_values).AppendBytes(value);
            }

            return AppendIndex(index);
        }

        /// <summary>Finds or adds a value key; refuses a new one the index type cannot address (leaving the builder unchanged).</summary>
        private bool TryAddKey(ReadOnlySpan<byte> key, out int index)
        {
            if (_keys.Count <= _maxIndex)
            {
                return _keys.TryAdd(key, out index);
            }

            index = _keys.IndexOf(key);
            return index >= 0
                ? false
                : throw new OverflowException($"The dictionary already holds {_keys.Count} values, all a {_type.IndexType} index can address.");
        }

        private Builder AppendIndex(int index)
        {
            WriteIndex(index);
            _validity.AppendValid();
            return this;
        }

        private void WriteIndex(int index)
        {
            switch (_type.IndexType.BitWidth)
            {
                case 8:
                    _indices.Append((byte)index);
                    break;
                case 16:
                    _indices.Append((ushort)index);
                    break;
                case 32:
                    _indices.Append(index);
                    break;
                default:
                    _indices.Append((long)index);
                    break;
            }
        }
    }
}
