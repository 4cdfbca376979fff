using System.Numerics;
using System.Text;
using DataBridge.Arrow;
using FsCheck;
using FsCheck.Fluent;

namespace DataBridge.Tests.Support;

/// <summary>
/// FsCheck generators of Arrow schemas and data: every primitive type, nested types to a chosen depth
/// (struct, list, large list, fixed-size list, map, sparse and dense union, dictionary), random
/// nullability and nulls, random lengths (0 included) and random slices. The shape (schema, lengths,
/// slices) is drawn by FsCheck; the values are drawn from a seeded <see cref="Random"/> the generator
/// also draws, so a failing case is reproducible from what FsCheck prints. Data is built with the
/// library's builders.
/// </summary>
internal static class ArrowGenerators
{
    private static readonly string[] Names = ["a", "b", "c", "value", "x y", "ünï", "名前", string.Empty];

    /// <summary>The primitive (non-nested) types, every one of them at least once.</summary>
    public static readonly ArrowType[] PrimitiveTypes =
    [
        NullType.Default, BooleanType.Default,
        IntType.Int8, IntType.Int16, IntType.Int32, IntType.Int64, IntType.UInt8, IntType.UInt16, IntType.UInt32, IntType.UInt64,
        FloatingPointType.Float16, FloatingPointType.Float32, FloatingPointType.Float64,
        Utf8Type.Default, LargeUtf8Type.Default, BinaryType.Default, LargeBinaryType.Default,
        new FixedSizeBinaryType(1), new FixedSizeBinaryType(5),
        DateType.Date32, DateType.Date64,
        new TimeType(TimeUnit.Second), new TimeType(TimeUnit.Millisecond), new TimeType(TimeUnit.Microsecond), new TimeType(TimeUnit.Nanosecond),
        new TimestampType(TimeUnit.Second), new TimestampType(TimeUnit.Millisecond, "UTC"), new TimestampType(TimeUnit.Microsecond, "Europe/Paris"), new TimestampType(TimeUnit.Nanosecond, "+07:30"),
        new DurationType(TimeUnit.Second), new DurationType(TimeUnit.Millisecond), new DurationType(TimeUnit.Microsecond), new DurationType(TimeUnit.Nanosecond),
        IntervalType.YearMonth, IntervalType.DayTime, IntervalType.MonthDayNano,
        new DecimalType(9, 2, 32), new DecimalType(18, -3, 64), new DecimalType(38, 10, 128), new DecimalType(76, 20, 256), new DecimalType(5, 0, 128),
    ];

    private static readonly ArrowType[] MapKeyTypes = [Utf8Type.Default, IntType.Int32, IntType.Int64];

    private static readonly IntType[] IndexTypes = [IntType.Int8, IntType.Int16, IntType.Int32, IntType.Int64, IntType.UInt8, IntType.UInt16, IntType.UInt32, IntType.UInt64];

    /// <summary>A type of nesting depth at most <paramref name="maxDepth"/> (0 = primitive).</summary>
    public static Gen<ArrowType> Type(int maxDepth, bool dictionaries = true) =>
        maxDepth <= 0
            ? Gen.Elements(PrimitiveTypes)
            : Gen.Frequency(
                (4, Gen.Elements(PrimitiveTypes)),
                (4, Nested(maxDepth - 1, dictionaries)));

    /// <summary>A nested type whose depth is exactly <paramref name="depth"/> (a chain of nested types down to a primitive).</summary>
    public static Gen<ArrowType> DeepType(int depth, bool dictionaries = true) =>
        depth <= 0 ? Gen.Elements(PrimitiveTypes) : Deferred(() => NestedAround(DeepType(depth - 1, dictionaries), depth - 1, dictionaries));

    /// <summary>A schema of 1..5 columns (sometimes none); about half the schemas have a column of depth <paramref name="deepColumnDepth"/>.</summary>
    public static Gen<Schema> Schema(int maxDepth = 3, int deepColumnDepth = 3, bool dictionaries = true) =>
        from count in Gen.Frequency((1, Gen.Constant(0)), (12, Gen.Choose(1, 5)))
        from types in Gen.ArrayOf(Type(maxDepth, dictionaries), count)
        from deep in Gen.Frequency((1, Gen.Constant<ArrowType?>(null)), (1, DeepType(deepColumnDepth, dictionaries).Select(t => (ArrowType?)t)))
        from nullable in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(false)), (4, Gen.Constant(true))), count + 1)
        from metadata in Metadata()
        select new Schema(
            ColumnTypes(types, deep).Select((t, i) => new Field($"c{i}", t, nullable[i] || t is NullType, i == 0 ? metadata : null)),
            metadata);

    /// <summary>A batch of <paramref name="schema"/> with 0..<paramref name="maxLength"/> rows (0 is drawn often).</summary>
    public static Gen<RecordBatch> Batch(Schema schema, int maxLength = 40) =>
        from length in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, 3)), (4, Gen.Choose(0, maxLength)))
        from seed in Gen.Choose(0, int.MaxValue)
        select RandomBatch(schema, length, new Random(seed));

    /// <summary>A batch, half of the time replaced by a random slice of a larger batch (offset &gt; 0 included).</summary>
    public static Gen<RecordBatch> MaybeSlicedBatch(Schema schema, int maxLength = 40) =>
        from batch in Batch(schema, maxLength)
        from slice in Gen.Elements(false, true)
        from start in Gen.Choose(0, batch.Length)
        from length in Gen.Choose(0, batch.Length - start)
        select slice ? batch.Slice(start, length) : batch;

    /// <summary>A schema and 1..3 batches of it (each possibly a slice).</summary>
    public static Gen<SchemaAndBatches> SchemaAndBatches(int maxDepth = 3, bool dictionaries = true) =>
        from schema in Schema(maxDepth, 3, dictionaries)
        from count in Gen.Choose(1, 3)
        from batches in Gen.ArrayOf(MaybeSlicedBatch(schema), count)
        select new SchemaAndBatches(schema, batches);

    /// <summary>A random array of <paramref name="type"/> and <paramref name="length"/>, nulls with probability <paramref name="nullProbability"/>.</summary>
    public static ArrowArray RandomArray(ArrowType type, int length, Random random, double nullProbability = 0.2)
    {
        var context = new DataContext(random);
        var field = new Field("f", type, true);
        IArrowArrayBuilder builder = ArrowArrayBuilderFactory.Create(type);
        for (int i = 0; i < length; i++)
        {
            context.Append(builder, field, nullProbability, 0);
        }

        return builder.Build();
    }

    /// <summary>A random batch; each column has its own null probability (0, 0.2, 0.5 or 1).</summary>
    public static RecordBatch RandomBatch(Schema schema, int length, Random random)
    {
        var context = new DataContext(random);
        var columns = new ArrowArray[schema.Fields.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            Field field = schema.Fields[c];
            double nullProbability = random.Next(4) switch { 0 => 0, 1 => 0.2, 2 => 0.5, _ => 1 };
            IArrowArrayBuilder builder = ArrowArrayBuilderFactory.Create(field.DataType);
            for (int i = 0; i < length; i++)
            {
                context.Append(builder, field, nullProbability, 0);
            }

            ArrowArray column = builder.Build();
            columns[c] = random.Next(3) == 0 ? ArrowArray.Create(ShiftChildren(column.Data, random)) : column;
        }

        return new RecordBatch(schema, columns, length);
    }

    /// <summary>
    /// Returns the same logical array in which every child (and dictionary), recursively, is a slice
    /// at a non-zero offset of a larger array: <c>k</c> nulls are put in front and sliced off again. This
    /// is how children look after a reader or a zero-copy slice, and what writers must re-base.
    /// </summary>
    public static ArrayData ShiftChildren(ArrayData data, Random random)
    {
        if (data.Children.Length == 0 && data.Dictionary is null)
        {
            return data;
        }

        ArrayData[] children = Array.ConvertAll(data.Children, child => Shift(child, random));
        ArrayData? dictionary = data.Dictionary is null ? null : Shift(data.Dictionary, random);
        return new ArrayData(data.Type, data.Length, data.NullCount, data.Offset, data.Buffers, children, dictionary);

        static ArrayData Shift(ArrayData child, Random random)
        {
            int k = random.Next(1, 4);
            IArrowArrayBuilder builder = ArrowArrayBuilderFactory.Create(child.Type);
            for (int j = 0; j < k; j++)
            {
                builder.AppendNull();
            }

            ArrowArray source = ArrowArray.Create(child);
            for (int i = 0; i < source.Length; i++)
            {
                builder.AppendFrom(source, i);
            }

            return ShiftChildren(builder.Build().Data.Slice(k, child.Length), random);
        }
    }

    /// <summary>Nesting depth of a type: 0 for primitives; dictionaries count as a level.</summary>
    public static int Depth(ArrowType type) => type switch
    {
        DictionaryType d => 1 + Depth(d.ValueType),
        _ when type.Children.Count > 0 => 1 + type.Children.Max(f => Depth(f.DataType)),
        _ => 0,
    };

    private static IEnumerable<ArrowType> ColumnTypes(ArrowType[] types, ArrowType? deep) => deep is null ? types : types.Prepend(deep);

    private static Gen<T> Deferred<T>(Func<Gen<T>> create) => Gen.Constant(0).SelectMany(_ => create());

    private static Gen<ArrowType> Nested(int childDepth, bool dictionaries) =>
        Deferred(() => NestedAround(Type(childDepth, dictionaries), childDepth, dictionaries));

    /// <summary>One nesting level around children drawn from <paramref name="child"/>.</summary>
    private static Gen<ArrowType> NestedAround(Gen<ArrowType> child, int childDepth, bool dictionaries)
    {
        Gen<Field> childField = ChildField(child);
        var options = new List<(int, Gen<ArrowType>)>
        {
            (3, from first in childField
                from n in Gen.Choose(0, 2)
                from extra in Gen.ArrayOf(ChildField(Type(childDepth, dictionaries)), n)
                select (ArrowType)new StructType(Renamed(extra.Prepend(first)))),
            (2, childField.Select(f => (ArrowType)new ListType(f))),
            (1, childField.Select(f => (ArrowType)new LargeListType(f))),
            (1, from f in childField from size in Gen.Choose(0, 3) select (ArrowType)new FixedSizeListType(f, size)),
            (1, from key in Gen.Elements(MapKeyTypes) from value in child from nullable in Gen.Elements(true, false) from sorted in Gen.Elements(true, false)
                select (ArrowType)new MapType(key, value, nullable, sorted)),
            (1, Union(childField, UnionMode.Sparse)),
            (1, Union(childField, UnionMode.Dense)),
        };
        if (dictionaries)
        {
            options.Add((1, from value in child.Where(t => t is not (NullType or DictionaryType))
                            from index in Gen.Elements(IndexTypes)
                            from ordered in Gen.Elements(true, false)
                            select (ArrowType)new DictionaryType(index, value, ordered)));
        }

        return Gen.Frequency(options);
    }

    private static Gen<ArrowType> Union(Gen<Field> childField, UnionMode mode) =>
        from first in childField
        from n in Gen.Choose(0, 2)
        from extra in Gen.ArrayOf(childField, n)
        from ids in Gen.Shuffle(Enumerable.Range(0, 128))
        from sequential in Gen.Elements(true, false)
        let fields = Renamed(extra.Prepend(first)).Select(f => f.IsNullable ? f : new Field(f.Name, f.DataType, true, f.Metadata)).ToArray()
        select (ArrowType)new UnionType(fields, mode, sequential ? null : ids.Take(fields.Length));

    private static Gen<Field> ChildField(Gen<ArrowType> type) =>
        from t in type
        from name in Gen.Elements(Names)
        from nullable in Gen.Frequency((1, Gen.Constant(false)), (3, Gen.Constant(true)))
        from metadata in Metadata()
        select new Field(name, t, nullable || t is NullType, metadata);

    private static Gen<KeyValuePair<string, string>[]?> Metadata() =>
        Gen.Frequency(
            (4, Gen.Constant<KeyValuePair<string, string>[]?>(null)),
            (1, Gen.Elements<KeyValuePair<string, string>[]?>([new("k", "v")], [new("ARROW:extension:name", "my.ext"), new("ARROW:extension:metadata", "{}")], [new("ü", string.Empty)])));

    /// <summary>Gives struct/union children distinct names (Arrow allows duplicates, but distinct names make failures readable).</summary>
    private static Field[] Renamed(IEnumerable<Field> fields) =>
        [.. fields.Select((f, i) => new Field(f.Name + i.ToString(System.Globalization.CultureInfo.InvariantCulture), f.DataType, f.IsNullable, f.Metadata))];

    /// <summary>Appends random values; keeps per-dictionary value pools so indices repeat.</summary>
    private sealed class DataContext(Random random)
    {
        private const int MaxListLength = 4;
        private readonly Dictionary<IArrowArrayBuilder, ArrowArray> _pools = new(ReferenceEqualityComparer.Instance);

        public void Append(IArrowArrayBuilder builder, Field field, double nullProbability, int keySalt)
        {
            ArrowType type = field.DataType;
            if (type is NullType || (field.IsNullable && type is not UnionType && random.NextDouble() < nullProbability))
            {
                builder.AppendNull();
                return;
            }

            // Nested levels get fewer nulls so deep values are actually exercised.
            double childNulls = nullProbability / 2;
            switch (builder)
            {
                case ListArray.Builder b:
                    b.Append();
                    AppendValues(b.ValueBuilder, ((ListType)type).ValueField, random.Next(MaxListLength + 1), childNulls);
                    break;
                case LargeListArray.Builder b:
                    b.Append();
                    AppendValues(b.ValueBuilder, ((LargeListType)type).ValueField, random.Next(MaxListLength + 1), childNulls);
                    break;
                case FixedSizeListArray.Builder b:
                    b.Append();
                    FixedSizeListType fsl = (FixedSizeListType)type;
                    AppendValues(b.ValueBuilder, fsl.ValueField, fsl.ListSize, childNulls);
                    break;
                case MapArray.Builder b:
                    b.Append();
                    MapType map = (MapType)type;
                    int entries = random.Next(MaxListLength + 1);
                    for (int j = 0; j < entries; j++)
                    {
                        // Keys are distinct within a map: the entry number salts them.
                        Append(b.KeyBuilder, map.KeyField, 0, j + 1);
                        Append(b.ValueBuilder, map.ValueField, childNulls, 0);
                    }

                    break;
                case StructArray.Builder b:
                    StructType st = (StructType)type;
                    for (int f = 0; f < st.Fields.Count; f++)
                    {
                        Append(b.FieldBuilders[f], st.Fields[f], childNulls, 0);
                    }

                    b.Append();
                    break;
                case SparseUnionArray.Builder b:
                {
                    UnionType ut = (UnionType)type;
                    int child = random.Next(ut.Fields.Count);
                    Append(b.Append(child), ut.Fields[child], nullProbability, 0);
                    break;
                }

                case DenseUnionArray.Builder b:
                {
                    UnionType ut = (UnionType)type;
                    int child = random.Next(ut.Fields.Count);
                    Append(b.Append(child), ut.Fields[child], nullProbability, 0);
                    break;
                }

                case DictionaryArray.Builder b:
                    if (!_pools.TryGetValue(b, out ArrowArray? pool))
                    {
                        DictionaryType dt = (DictionaryType)type;
                        pool = RandomArray(dt.ValueType, random.Next(1, 6), random, 0.1);
                        _pools[b] = pool;
                    }

                    b.AppendFrom(pool, random.Next(pool.Length));
                    break;
                default:
                    AppendPrimitive(builder, type, keySalt);
                    break;
            }
        }

        private void AppendValues(IArrowArrayBuilder builder, Field field, int count, double nullProbability)
        {
            for (int j = 0; j < count; j++)
            {
                Append(builder, field, nullProbability, 0);
            }
        }

        private void AppendPrimitive(IArrowArrayBuilder builder, ArrowType type, int keySalt)
        {
            switch (builder)
            {
                case BooleanArray.Builder b: b.Append(random.Next(2) == 1); break;
                case Int8Array.Builder b: b.Append(keySalt != 0 ? (sbyte)keySalt : (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1)); break;
                case Int16Array.Builder b: b.Append((short)random.Next(short.MinValue, short.MaxValue + 1)); break;
                case Int32Array.Builder b: b.Append(keySalt != 0 ? keySalt * 1000 + random.Next(1000) : random.Next(int.MinValue, int.MaxValue)); break;
                case Int64Array.Builder b: b.Append(keySalt != 0 ? keySalt * 1000L + random.Next(1000) : random.NextInt64(long.MinValue, long.MaxValue)); break;
                case UInt8Array.Builder b: b.Append((byte)random.Next(256)); break;
                case UInt16Array.Builder b: b.Append((ushort)random.Next(ushort.MaxValue + 1)); break;
                case UInt32Array.Builder b: b.Append((uint)random.NextInt64(uint.MaxValue + 1L)); break;
                case UInt64Array.Builder b: b.Append((ulong)random.NextInt64() * 2 + (ulong)random.Next(2)); break;
                case HalfFloatArray.Builder b: b.Append((Half)NextDouble()); break;
                case FloatArray.Builder b: b.Append((float)NextDouble()); break;
                case DoubleArray.Builder b: b.Append(NextDouble()); break;
                case Date32Array.Builder b: b.Append(random.Next(-100_000, 100_000)); break;
                case Date64Array.Builder b: b.Append(random.Next(-100_000, 100_000) * 86_400_000L); break;
                case Time32Array.Builder b: b.Append(random.Next(((TimeType)type).Unit == TimeUnit.Second ? 86_400 : 86_400_000)); break;
                case Time64Array.Builder b: b.Append(random.NextInt64(((TimeType)type).Unit == TimeUnit.Microsecond ? 86_400_000_000L : 86_400_000_000_000L)); break;
                case TimestampArray.Builder b: b.Append(random.NextInt64(-4_000_000_000_000_000L, 4_000_000_000_000_000L)); break;
                case DurationArray.Builder b: b.Append(random.NextInt64(long.MinValue, long.MaxValue)); break;
                case YearMonthIntervalArray.Builder b: b.Append(random.Next(-1000, 1000)); break;
                case DayTimeIntervalArray.Builder b: b.Append(new DayTimeInterval(random.Next(-1000, 1000), random.Next(-86_400_000, 86_400_000))); break;
                case MonthDayNanoIntervalArray.Builder b: b.Append(new MonthDayNanoInterval(random.Next(-1000, 1000), random.Next(-1000, 1000), random.NextInt64())); break;
                case DecimalArray.Builder b: b.AppendUnscaled(NextDecimal((DecimalType)type)); break;
                case FixedSizeBinaryArray.Builder b: b.Append(NextBytes(((FixedSizeBinaryType)type).ByteWidth)); break;
                case StringArray.Builder b: b.Append(NextString(keySalt)); break;
                case LargeStringArray.Builder b: b.Append(NextString(keySalt)); break;
                case BinaryArray.Builder b: b.Append(NextBytes(random.Next(9))); break;
                case LargeBinaryArray.Builder b: b.Append(NextBytes(random.Next(9))); break;
                default: throw new NotSupportedException($"No random values for {type}.");
            }
        }

        private double NextDouble() => random.Next(12) switch
        {
            0 => double.NaN,
            1 => -0.0,
            2 => double.PositiveInfinity,
            3 => double.NegativeInfinity,
            4 => 0.0,
            _ => Math.Round((random.NextDouble() - 0.5) * 2000, random.Next(6)),
        };

        private BigInteger NextDecimal(DecimalType type)
        {
            int digits = random.Next(1, Math.Min(type.Precision, type.BitWidth == 32 ? 9 : type.BitWidth == 64 ? 18 : type.BitWidth == 128 ? 38 : 76) + 1);
            BigInteger value = BigInteger.Zero;
            for (int d = 0; d < digits; d++)
            {
                value = value * 10 + random.Next(10);
            }

            return random.Next(2) == 0 ? value : -value;
        }

        private byte[] NextBytes(int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }

        private string NextString(int keySalt)
        {
            const string alphabet = "abcXYZ 09_-é名🙂\"\\\n";
            var sb = new StringBuilder();
            if (keySalt != 0)
            {
                sb.Append('k').Append(keySalt).Append('_');
            }

            int length = random.Next(7);
            for (int i = 0; i < length; i++)
            {
                int at = random.Next(alphabet.Length);
                if (char.IsSurrogate(alphabet[at]))
                {
                    sb.Append("🙂");
                }
                else
                {
                    sb.Append(alphabet[at]);
                }
            }

            return sb.ToString();
        }
    }
}
