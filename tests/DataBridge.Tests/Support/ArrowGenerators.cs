using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using DataBridge.Arrow;
using FsCheck;
using FsCheck.Fluent;

namespace DataBridge.Tests.Support;

/// <summary>
/// FsCheck generators of Apache.Arrow schemas and data: every primitive type (string and binary views,
/// decimal32/64 included), nested types to a chosen depth (struct, list, large list, list view, large list
/// view, fixed-size list, map, sparse and dense union, run-end encoded, dictionary), random nullability and
/// nulls, random lengths (0 included) and random slices. The shape (schema, lengths, slices) is drawn by
/// FsCheck; the values are drawn from a seeded <see cref="Random"/> the generator also draws, so a failing
/// case is reproducible from what FsCheck prints. Data is laid out buffer by buffer here (Apache.Arrow has no
/// builders for most nested types), in the layouts of the Arrow columnar specification.
/// </summary>
internal static class ArrowGenerators
{
    private static readonly string[] Names = ["a", "b", "c", "value", "x y", "ünï", "名前", string.Empty];

    /// <summary>The primitive (non-nested) types, every one of them at least once.</summary>
    public static readonly IArrowType[] PrimitiveTypes =
    [
        NullType.Default, BooleanType.Default,
        Int8Type.Default, Int16Type.Default, Int32Type.Default, Int64Type.Default, UInt8Type.Default, UInt16Type.Default, UInt32Type.Default, UInt64Type.Default,
        HalfFloatType.Default, FloatType.Default, DoubleType.Default,
        StringType.Default, LargeStringType.Default, BinaryType.Default, LargeBinaryType.Default, StringViewType.Default, BinaryViewType.Default,
        new FixedSizeBinaryType(1), new FixedSizeBinaryType(5),
        Date32Type.Default, Date64Type.Default,
        new Time32Type(TimeUnit.Second), new Time32Type(TimeUnit.Millisecond), new Time64Type(TimeUnit.Microsecond), new Time64Type(TimeUnit.Nanosecond),
        new TimestampType(TimeUnit.Second, (string?)null), new TimestampType(TimeUnit.Millisecond, "UTC"), new TimestampType(TimeUnit.Microsecond, "Europe/Paris"), new TimestampType(TimeUnit.Nanosecond, "+07:30"),
        DurationType.Second, DurationType.Millisecond, DurationType.Microsecond, DurationType.Nanosecond,
        IntervalType.YearMonth, IntervalType.DayTime, IntervalType.MonthDayNanosecond,
        new Decimal32Type(9, 2), new Decimal64Type(18, 3), new Decimal128Type(38, 10), new Decimal256Type(76, 20), new Decimal128Type(5, 0),
    ];

    private static readonly IArrowType[] MapKeyTypes = [StringType.Default, Int32Type.Default, Int64Type.Default];

    private static readonly IArrowType[] IndexTypes = [Int8Type.Default, Int16Type.Default, Int32Type.Default, Int64Type.Default, UInt8Type.Default, UInt16Type.Default, UInt32Type.Default, UInt64Type.Default];

    private static readonly IArrowType[] RunEndTypes = [Int16Type.Default, Int32Type.Default, Int64Type.Default];

    /// <summary>A type of nesting depth at most <paramref name="maxDepth"/> (0 = primitive).</summary>
    public static Gen<IArrowType> Type(int maxDepth, bool dictionaries = true) =>
        maxDepth <= 0
            ? Gen.Elements(PrimitiveTypes)
            : Gen.Frequency(
                (4, Gen.Elements(PrimitiveTypes)),
                (4, Nested(maxDepth - 1, dictionaries)));

    /// <summary>A nested type whose depth is exactly <paramref name="depth"/> (a chain of nested types down to a primitive).</summary>
    public static Gen<IArrowType> DeepType(int depth, bool dictionaries = true) =>
        depth <= 0 ? Gen.Elements(PrimitiveTypes) : Deferred(() => NestedAround(DeepType(depth - 1, dictionaries), depth - 1, dictionaries));

    /// <summary>A schema of 1..5 columns (sometimes none); about half the schemas have a column of depth <paramref name="deepColumnDepth"/>.</summary>
    public static Gen<Schema> Schema(int maxDepth = 3, int deepColumnDepth = 3, bool dictionaries = true) =>
        from count in Gen.Frequency((1, Gen.Constant(0)), (12, Gen.Choose(1, 5)))
        from types in Gen.ArrayOf(Type(maxDepth, dictionaries), count)
        from deep in Gen.Frequency((1, Gen.Constant<IArrowType?>(null)), (1, DeepType(deepColumnDepth, dictionaries).Select(t => (IArrowType?)t)))
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
        select slice ? Slice(batch, start, length) : batch;

    /// <summary>A schema and 1..3 batches of it (each possibly a slice).</summary>
    public static Gen<SchemaAndBatches> SchemaAndBatches(int maxDepth = 3, bool dictionaries = true) =>
        from schema in Schema(maxDepth, 3, dictionaries)
        from count in Gen.Choose(1, 3)
        from batches in Gen.ArrayOf(MaybeSlicedBatch(schema), count)
        select new SchemaAndBatches(schema, batches);

    /// <summary>A slice of every column of <paramref name="batch"/> (the schema object is kept), with exact null counts.</summary>
    public static RecordBatch Slice(RecordBatch batch, int start, int length) =>
        new(batch.Schema, batch.Arrays.Select(a => ArrowArrayFactory.BuildArray(SliceData(a.Data, start, length))), length);

    /// <summary>A slice of <paramref name="data"/> whose null count is counted (Apache's own slice may leave it to be computed).</summary>
    public static ArrayData SliceData(ArrayData data, int start, int length)
    {
        ArrayData slice = data.Slice(start, length);
        return new ArrayData(slice.DataType, slice.Length, CountNulls(slice), slice.Offset, slice.Buffers, slice.Children, slice.Dictionary);
    }

    /// <summary>The nulls of <paramref name="data"/> by its own validity (unions and run-end encoded arrays have none of their own).</summary>
    public static int CountNulls(ArrayData data)
    {
        int nulls = 0;
        for (int i = 0; i < data.Length; i++)
        {
            nulls += SlotReader.IsValid(data, data.Offset + i) ? 0 : 1;
        }

        return nulls;
    }

    /// <summary>A random array of <paramref name="type"/> and <paramref name="length"/>, nulls with probability <paramref name="nullProbability"/>.</summary>
    public static IArrowArray RandomArray(IArrowType type, int length, Random random, double nullProbability = 0.2) =>
        ArrowArrayFactory.BuildArray(new DataContext(random).Build(type, true, length, nullProbability, null));

    /// <summary>A random batch; each column has its own null probability (0, 0.2, 0.5 or 1).</summary>
    public static RecordBatch RandomBatch(Schema schema, int length, Random random)
    {
        var context = new DataContext(random);
        var columns = new IArrowArray[schema.FieldsList.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            Field field = schema.FieldsList[c];
            double nullProbability = random.Next(4) switch { 0 => 0, 1 => 0.2, 2 => 0.5, _ => 1 };
            ArrayData column = context.Build(field.DataType, field.IsNullable, length, nullProbability, null);
            columns[c] = ArrowArrayFactory.BuildArray(random.Next(3) == 0 ? ShiftChildren(column, random) : column);
        }

        return new RecordBatch(schema, columns, length);
    }

    /// <summary>
    /// Returns the same logical array in which every child (and dictionary), recursively, is a slice
    /// at a non-zero offset of a larger array: <c>k</c> null slots are put in front and sliced off again. This
    /// is how children look after a reader or a zero-copy slice, and what writers must re-base. The children of
    /// run-end encoded arrays are left where they are (their values child is still shifted inside).
    /// </summary>
    public static ArrayData ShiftChildren(ArrayData data, Random random)
    {
        ArrayData[] children = data.Children ?? [];
        if (children.Length == 0 && data.Dictionary is null)
        {
            return data;
        }

        ArrayData[] shifted = data.DataType is RunEndEncodedType
            ? [children[0], ShiftChildren(children[1], random)]
            : System.Array.ConvertAll(children, child => ShiftChildren(Shift(child, random.Next(1, 4)), random));
        ArrayData? dictionary = data.Dictionary is null ? null : ShiftChildren(Shift(data.Dictionary, random.Next(1, 4)), random);
        return new ArrayData(data.DataType, data.Length, data.NullCount, data.Offset, data.Buffers, shifted, dictionary);

        static ArrayData Shift(ArrayData child, int k)
        {
            ArrayData padded = Padding.Pad(child, k);
            return new ArrayData(child.DataType, child.Length, CountNulls(child), k, padded.Buffers, padded.Children, padded.Dictionary);
        }
    }

    /// <summary>Nesting depth of a type: 0 for primitives; dictionaries count as a level.</summary>
    public static int Depth(IArrowType type) => type switch
    {
        DictionaryType d => 1 + Depth(d.ValueType),
        NestedType n when n.Fields.Count > 0 => 1 + n.Fields.Max(f => Depth(f.DataType)),
        _ => 0,
    };

    /// <summary>The child types of <paramref name="type"/> (dictionary value types included).</summary>
    public static IEnumerable<IArrowType> ChildTypes(IArrowType type) => type switch
    {
        DictionaryType d => [d.ValueType],
        NestedType n => n.Fields.Select(f => f.DataType),
        _ => [],
    };

    private static IEnumerable<IArrowType> ColumnTypes(IArrowType[] types, IArrowType? deep) => deep is null ? types : types.Prepend(deep);

    private static Gen<T> Deferred<T>(Func<Gen<T>> create) => Gen.Constant(0).SelectMany(_ => create());

    private static Gen<IArrowType> Nested(int childDepth, bool dictionaries) =>
        Deferred(() => NestedAround(Type(childDepth, dictionaries), childDepth, dictionaries));

    /// <summary>One nesting level around children drawn from <paramref name="child"/>.</summary>
    private static Gen<IArrowType> NestedAround(Gen<IArrowType> child, int childDepth, bool dictionaries)
    {
        Gen<Field> childField = ChildField(child);
        var options = new List<(int, Gen<IArrowType>)>
        {
            (3, from first in childField
                from n in Gen.Choose(0, 2)
                from extra in Gen.ArrayOf(ChildField(Type(childDepth, dictionaries)), n)
                select (IArrowType)new StructType(Renamed(extra.Prepend(first)))),
            (2, childField.Select(f => (IArrowType)new ListType(f))),
            (1, childField.Select(f => (IArrowType)new LargeListType(f))),
            (1, childField.Select(f => (IArrowType)new ListViewType(f))),
            (1, childField.Select(f => (IArrowType)new LargeListViewType(f))),
            (1, from f in childField from size in Gen.Choose(1, 3) select (IArrowType)new FixedSizeListType(f, size)),
            (1, from key in Gen.Elements(MapKeyTypes) from value in child from nullable in Gen.Elements(true, false) from sorted in Gen.Elements(true, false)
                select (IArrowType)new MapType(key, value, nullable, sorted)),
            (1, Union(childField, UnionMode.Sparse)),
            (1, Union(childField, UnionMode.Dense)),
            (1, from ends in Gen.Elements(RunEndTypes) from value in child.Where(t => t is not RunEndEncodedType)
                select (IArrowType)new RunEndEncodedType(new Field("run_ends", ends, false), new Field("values", value, true))),
        };
        if (dictionaries)
        {
            options.Add((1, from value in child.Where(t => t is not (NullType or DictionaryType or RunEndEncodedType))
                            from index in Gen.Elements(IndexTypes)
                            from ordered in Gen.Elements(true, false)
                            select (IArrowType)new DictionaryType(index, value, ordered)));
        }

        return Gen.Frequency(options);
    }

    private static Gen<IArrowType> Union(Gen<Field> childField, UnionMode mode) =>
        from first in childField
        from n in Gen.Choose(0, 2)
        from extra in Gen.ArrayOf(childField, n)
        from ids in Gen.Shuffle(Enumerable.Range(0, 128))
        from sequential in Gen.Elements(true, false)
        let fields = Renamed(extra.Prepend(first)).Select(f => f.IsNullable ? f : new Field(f.Name, f.DataType, true, f.Metadata)).ToArray()
        select (IArrowType)new UnionType(fields, sequential ? Enumerable.Range(0, fields.Length) : ids.Take(fields.Length), mode);

    private static Gen<Field> ChildField(Gen<IArrowType> type) =>
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

    private static ArrowBuffer Buffer(byte[] bytes) => bytes.Length == 0 ? ArrowBuffer.Empty : new ArrowBuffer(bytes);

    private static ArrowBuffer Buffer<T>(T[] values)
        where T : unmanaged => Buffer(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>Lays out random values of a type, column by column (children are built for all the slots their parent uses).</summary>
    private sealed class DataContext(Random random)
    {
        private const int MaxListLength = 4;

        /// <summary>
        /// <paramref name="length"/> random values of <paramref name="type"/>. <paramref name="salts"/> (map keys)
        /// makes slot <c>i</c> non-null and distinct from other slots with another salt.
        /// </summary>
        public ArrayData Build(IArrowType type, bool nullable, int length, double nullProbability, int[]? salts)
        {
            if (type is NullType)
            {
                return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>(), System.Array.Empty<ArrayData>());
            }

            bool ownNulls = nullable && salts is null && type is not (UnionType or RunEndEncodedType);
            var valid = new bool[length];
            for (int i = 0; i < length; i++)
            {
                valid[i] = !ownNulls || random.NextDouble() >= nullProbability;
            }

            int nulls = valid.Count(v => !v);

            // With no nulls the bitmap is sometimes omitted, sometimes written all-valid.
            ArrowBuffer validity = nulls == 0 && random.Next(2) == 0 ? ArrowBuffer.Empty : Bitmap(valid);
            double childNulls = nullProbability / 2;
            ArrayData Data(ArrowBuffer[] buffers, ArrayData[]? children = null, ArrayData? dictionary = null) =>
                new(type, length, nulls, 0, buffers, children ?? [], dictionary);

            switch (type)
            {
                case BooleanType:
                    return Data([validity, Bitmap([.. Enumerable.Range(0, length).Select(_ => random.Next(2) == 1)])]);
                case DictionaryType d:
                {
                    ArrayData pool = Build(d.ValueType, true, random.Next(1, 6), 0.1, null);
                    int width = ((FixedWidthType)d.IndexType).BitWidth / 8;
                    var indices = new byte[width * length];
                    for (int i = 0; i < length; i++)
                    {
                        WriteInteger(indices.AsSpan(i * width, width), random.Next(pool.Length));
                    }

                    return Data([validity, Buffer(indices)], null, pool);
                }

                case FixedSizeBinaryType or FixedWidthType:
                {
                    int width = ((FixedWidthType)type).BitWidth / 8;
                    var values = new byte[width * length];
                    for (int i = 0; i < length; i++)
                    {
                        WriteValue(type, values.AsSpan(i * width, width), salts?[i] ?? 0);
                    }

                    return Data([validity, Buffer(values)]);
                }

                case StringType or LargeStringType or BinaryType or LargeBinaryType:
                {
                    byte[][] values = Values(type, length, salts);
                    bool large = type is LargeStringType or LargeBinaryType;
                    var offsets = new long[length + 1];
                    for (int i = 0; i < length; i++)
                    {
                        offsets[i + 1] = offsets[i] + values[i].Length;
                    }

                    ArrowBuffer offsetBuffer = large ? Buffer(offsets) : Buffer(offsets.Select(o => (int)o).ToArray());
                    return Data([validity, offsetBuffer, Buffer(values.SelectMany(v => v).ToArray())]);
                }

                case StringViewType or BinaryViewType:
                    return Data(Views(Values(type, length, salts), validity));
                case ListType or LargeListType or MapType:
                {
                    var sizes = Sizes(valid, _ => random.Next(MaxListLength + 1));
                    var offsets = new long[length + 1];
                    for (int i = 0; i < length; i++)
                    {
                        offsets[i + 1] = offsets[i] + sizes[i];
                    }

                    int total = (int)offsets[^1];
                    ArrayData child = type is MapType map
                        ? Entries(map, sizes, total, childNulls)
                        : Build(((NestedType)type).Fields[0].DataType, ((NestedType)type).Fields[0].IsNullable, total, childNulls, null);
                    ArrowBuffer offsetBuffer = type is LargeListType ? Buffer(offsets) : Buffer(offsets.Select(o => (int)o).ToArray());
                    return Data([validity, offsetBuffer], [child]);
                }

                case ListViewType or LargeListViewType:
                {
                    // Views may overlap and come in any order: each list is placed at a random start in the child.
                    var sizes = Sizes(valid, _ => random.Next(MaxListLength + 1));
                    int total = sizes.Length == 0 ? 0 : sizes.Max() + random.Next(MaxListLength + 1);
                    var offsets = new long[length];
                    for (int i = 0; i < length; i++)
                    {
                        offsets[i] = random.Next(total - sizes[i] + 1);
                    }

                    Field value = ((NestedType)type).Fields[0];
                    ArrayData child = Build(value.DataType, value.IsNullable, total, childNulls, null);
                    return type is LargeListViewType
                        ? Data([validity, Buffer(offsets), Buffer(sizes.Select(s => (long)s).ToArray())], [child])
                        : Data([validity, Buffer(offsets.Select(o => (int)o).ToArray()), Buffer(sizes)], [child]);
                }

                case FixedSizeListType f:
                    return Data([validity], [Build(f.ValueDataType, f.ValueField.IsNullable, f.ListSize * length, childNulls, null)]);
                case StructType s:
                    return Data([validity], [.. s.Fields.Select(f => Build(f.DataType, f.IsNullable, length, childNulls, null))]);
                case UnionType u:
                {
                    var children = new int[length];
                    var typeIds = new sbyte[length];
                    var counts = new int[u.Fields.Count];
                    var offsets = new int[length];
                    for (int i = 0; i < length; i++)
                    {
                        children[i] = random.Next(u.Fields.Count);
                        typeIds[i] = (sbyte)u.TypeIds[children[i]];
                        offsets[i] = counts[children[i]]++;
                    }

                    bool dense = u.Mode == UnionMode.Dense;
                    ArrayData[] childData = [.. u.Fields.Select((f, c) => Build(f.DataType, f.IsNullable, dense ? counts[c] : length, nullProbability, null))];
                    return Data(dense ? [Buffer(typeIds), Buffer(offsets)] : [Buffer(typeIds)], childData);
                }

                case RunEndEncodedType r:
                {
                    var ends = new List<long>();
                    for (long end = 0; end < length;)
                    {
                        end = Math.Min(length, end + random.Next(1, 5));
                        ends.Add(end);
                    }

                    int width = ((FixedWidthType)r.RunEndsDataType).BitWidth / 8;
                    var runEnds = new byte[ends.Count * width];
                    for (int j = 0; j < ends.Count; j++)
                    {
                        WriteInteger(runEnds.AsSpan(j * width, width), ends[j]);
                    }

                    var runEndData = new ArrayData(r.RunEndsDataType, ends.Count, 0, 0, [ArrowBuffer.Empty, Buffer(runEnds)], System.Array.Empty<ArrayData>());
                    ArrayData values = Build(r.ValuesDataType, true, ends.Count, Math.Max(nullProbability, 0.1), null);
                    return new ArrayData(type, length, 0, 0, System.Array.Empty<ArrowBuffer>(), [runEndData, values]);
                }

                default:
                    throw new NotSupportedException($"No random values for {ArrowTypeText.Of(type)}.");
            }
        }

        private int[] Sizes(bool[] valid, Func<int, int> size)
        {
            var sizes = new int[valid.Length];
            for (int i = 0; i < valid.Length; i++)
            {
                // Null lists are empty (Arrow allows any size; readers must not care).
                sizes[i] = valid[i] ? size(i) : 0;
            }

            return sizes;
        }

        /// <summary>Map entries: non-null keys distinct within each map (the entry number salts them).</summary>
        private ArrayData Entries(MapType map, int[] sizes, int total, double childNulls)
        {
            int[] salts = [.. sizes.SelectMany(s => Enumerable.Range(1, s))];
            ArrayData keys = Build(map.KeyField.DataType, false, total, 0, salts);
            ArrayData values = Build(map.ValueField.DataType, map.ValueField.IsNullable, total, childNulls, null);
            return new ArrayData(map.KeyValueType, total, 0, 0, [ArrowBuffer.Empty], [keys, values]);
        }

        private byte[][] Values(IArrowType type, int length, int[]? salts)
        {
            var values = new byte[length][];
            bool text = type is StringType or LargeStringType or StringViewType;
            for (int i = 0; i < length; i++)
            {
                values[i] = text ? Encoding.UTF8.GetBytes(NextString(salts?[i] ?? 0)) : NextBytes(random.Next(type is BinaryViewType ? 20 : 9));
            }

            return values;
        }

        /// <summary>Views over one or two data buffers; values of up to 12 bytes are inlined.</summary>
        private ArrowBuffer[] Views(byte[][] values, ArrowBuffer validity)
        {
            int bufferCount = random.Next(3);
            var data = new List<byte>[bufferCount];
            for (int b = 0; b < bufferCount; b++)
            {
                data[b] = [.. NextBytes(random.Next(3))]; // some leading garbage the views skip
            }

            var views = new byte[values.Length * 16];
            for (int i = 0; i < values.Length; i++)
            {
                Span<byte> view = views.AsSpan(i * 16, 16);
                byte[] value = values[i];
                if (value.Length > 12 && bufferCount == 0)
                {
                    value = value[..12];
                    values[i] = value;
                }

                BinaryPrimitives.WriteInt32LittleEndian(view, value.Length);
                if (value.Length <= 12)
                {
                    value.CopyTo(view[4..]);
                    continue;
                }

                int buffer = random.Next(bufferCount);
                value.AsSpan(0, 4).CopyTo(view[4..]);
                BinaryPrimitives.WriteInt32LittleEndian(view[8..], buffer);
                BinaryPrimitives.WriteInt32LittleEndian(view[12..], data[buffer].Count);
                data[buffer].AddRange(value);
            }

            return [validity, Buffer(views), .. data.Select(d => new ArrowBuffer(d.ToArray()))];
        }

        private void WriteValue(IArrowType type, Span<byte> target, int keySalt)
        {
            switch (type)
            {
                case Int8Type: target[0] = (byte)(keySalt != 0 ? (sbyte)keySalt : (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1)); break;
                case Int16Type: BinaryPrimitives.WriteInt16LittleEndian(target, (short)random.Next(short.MinValue, short.MaxValue + 1)); break;
                case Int32Type: BinaryPrimitives.WriteInt32LittleEndian(target, keySalt != 0 ? keySalt * 1000 + random.Next(1000) : random.Next(int.MinValue, int.MaxValue)); break;
                case Int64Type: BinaryPrimitives.WriteInt64LittleEndian(target, keySalt != 0 ? keySalt * 1000L + random.Next(1000) : random.NextInt64(long.MinValue, long.MaxValue)); break;
                case UInt8Type: target[0] = (byte)random.Next(256); break;
                case UInt16Type: BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)random.Next(ushort.MaxValue + 1)); break;
                case UInt32Type: BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)random.NextInt64(uint.MaxValue + 1L)); break;
                case UInt64Type: BinaryPrimitives.WriteUInt64LittleEndian(target, (ulong)random.NextInt64() * 2 + (ulong)random.Next(2)); break;
                case HalfFloatType: BinaryPrimitives.WriteHalfLittleEndian(target, (Half)NextDouble()); break;
                case FloatType: BinaryPrimitives.WriteSingleLittleEndian(target, (float)NextDouble()); break;
                case DoubleType: BinaryPrimitives.WriteDoubleLittleEndian(target, NextDouble()); break;
                case Date32Type: BinaryPrimitives.WriteInt32LittleEndian(target, random.Next(-100_000, 100_000)); break;
                case Date64Type: BinaryPrimitives.WriteInt64LittleEndian(target, random.Next(-100_000, 100_000) * 86_400_000L); break;
                case Time32Type t: BinaryPrimitives.WriteInt32LittleEndian(target, random.Next(t.Unit == TimeUnit.Second ? 86_400 : 86_400_000)); break;
                case Time64Type t: BinaryPrimitives.WriteInt64LittleEndian(target, random.NextInt64(t.Unit == TimeUnit.Microsecond ? 86_400_000_000L : 86_400_000_000_000L)); break;
                case TimestampType: BinaryPrimitives.WriteInt64LittleEndian(target, random.NextInt64(-4_000_000_000_000_000L, 4_000_000_000_000_000L)); break;
                case DurationType: BinaryPrimitives.WriteInt64LittleEndian(target, random.NextInt64(long.MinValue, long.MaxValue)); break;
                case IntervalType { Unit: IntervalUnit.YearMonth }: BinaryPrimitives.WriteInt32LittleEndian(target, random.Next(-1000, 1000)); break;
                case IntervalType { Unit: IntervalUnit.DayTime }:
                    BinaryPrimitives.WriteInt32LittleEndian(target, random.Next(-1000, 1000));
                    BinaryPrimitives.WriteInt32LittleEndian(target[4..], random.Next(-86_400_000, 86_400_000));
                    break;
                case IntervalType:
                    BinaryPrimitives.WriteInt32LittleEndian(target, random.Next(-1000, 1000));
                    BinaryPrimitives.WriteInt32LittleEndian(target[4..], random.Next(-1000, 1000));
                    BinaryPrimitives.WriteInt64LittleEndian(target[8..], random.NextInt64());
                    break;
                case Decimal32Type d: WriteDecimal(target, d.Precision); break;
                case Decimal64Type d: WriteDecimal(target, d.Precision); break;
                case Decimal128Type d: WriteDecimal(target, d.Precision); break;
                case Decimal256Type d: WriteDecimal(target, d.Precision); break;
                case FixedSizeBinaryType: random.NextBytes(target); break;
                default: throw new NotSupportedException($"No random values for {ArrowTypeText.Of(type)}.");
            }
        }

        private void WriteDecimal(Span<byte> target, int precision)
        {
            int maxDigits = target.Length switch { 4 => 9, 8 => 18, 16 => 38, _ => 76 };
            int digits = random.Next(1, Math.Min(precision, maxDigits) + 1);
            BigInteger value = BigInteger.Zero;
            for (int d = 0; d < digits; d++)
            {
                value = value * 10 + random.Next(10);
            }

            value = random.Next(2) == 0 ? value : -value;
            target.Fill(value.Sign < 0 ? (byte)0xFF : (byte)0);
            value.TryWriteBytes(target, out _, isUnsigned: false, isBigEndian: false);
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

    private static ArrowBuffer Bitmap(IReadOnlyList<bool> bits)
    {
        var bytes = new byte[(bits.Count + 7) / 8];
        for (int i = 0; i < bits.Count; i++)
        {
            if (bits[i])
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return Buffer(bytes);
    }

    private static void WriteInteger(Span<byte> target, long value)
    {
        switch (target.Length)
        {
            case 1: target[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteInt16LittleEndian(target, (short)value); break;
            case 4: BinaryPrimitives.WriteInt32LittleEndian(target, (int)value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(target, value); break;
        }
    }

    /// <summary>
    /// Puts <c>k</c> slots in front of an array, at the buffer level of each layout: the result, of length
    /// <c>k + n</c> and offset 0, holds the array's values at <c>k..k+n</c> (the first <c>k</c> slots are null
    /// or empty and never looked at once sliced off).
    /// </summary>
    private static class Padding
    {
        public static ArrayData Pad(ArrayData d, int k)
        {
            int n = d.Length;
            int o = d.Offset;
            IArrowType type = d.DataType;
            if (type is NullType)
            {
                return new ArrayData(type, n + k, n + k, 0, System.Array.Empty<ArrowBuffer>(), System.Array.Empty<ArrayData>());
            }

            ArrowBuffer validity = type is UnionType or RunEndEncodedType ? ArrowBuffer.Empty : Validity(d, k);
            ArrayData Data(ArrowBuffer[] buffers, ArrayData[]? children = null) =>
                new(type, n + k, CountNulls(d) + (validity.IsEmpty ? 0 : k), 0, buffers, children ?? [], d.Dictionary);
            switch (type)
            {
                case BooleanType:
                    return Data([validity, Bitmap([.. Enumerable.Repeat(false, k), .. Enumerable.Range(o, n).Select(i => BitOps.GetBit(d.Buffers[1].Span, i))])]);
                case FixedSizeBinaryType or FixedWidthType: // dictionaries too: their indices
                {
                    int width = ((FixedWidthType)type).BitWidth / 8;
                    return Data([validity, Buffer([.. new byte[k * width], .. d.Buffers[1].Span.Slice(o * width, n * width)])]);
                }

                case StringType or BinaryType or ListType or MapType:
                    return Data([validity, PadOffsets<int>(d.Buffers[1], o, n, k), .. d.Buffers.Skip(2)], d.Children);
                case LargeStringType or LargeBinaryType or LargeListType:
                    return Data([validity, PadOffsets<long>(d.Buffers[1], o, n, k), .. d.Buffers.Skip(2)], d.Children);
                case StringViewType or BinaryViewType:
                    return Data([validity, Buffer([.. new byte[16 * k], .. d.Buffers[1].Span.Slice(16 * o, 16 * n)]), .. d.Buffers.Skip(2)]);
                case ListViewType or LargeListViewType:
                {
                    int width = type is LargeListViewType ? 8 : 4;
                    ArrowBuffer Zeros(ArrowBuffer b) => Buffer([.. new byte[width * k], .. b.Span.Slice(width * o, width * n)]);
                    return Data([validity, Zeros(d.Buffers[1]), Zeros(d.Buffers[2])], d.Children);
                }

                case FixedSizeListType f:
                    return Data([validity], [Pad(SliceData(d.Children[0], o * f.ListSize, n * f.ListSize), k * f.ListSize)]);
                case StructType:
                    return Data([validity], [.. d.Children.Select(c => Pad(SliceData(c, o, n), k))]);
                case UnionType { Mode: UnionMode.Sparse } u:
                    return Data([Buffer([.. Enumerable.Repeat((byte)u.TypeIds[0], k), .. d.Buffers[0].Span.Slice(o, n)])], [.. d.Children.Select(c => Pad(SliceData(c, o, n), k))]);
                case UnionType u:
                {
                    // The padding slots point at slot 0 of child 0 (given one slot if it has none).
                    ArrayData[] children = [.. d.Children];
                    if (children[0].Length == 0)
                    {
                        children[0] = Pad(children[0], 1);
                    }

                    return Data(
                        [Buffer([.. Enumerable.Repeat((byte)u.TypeIds[0], k), .. d.Buffers[0].Span.Slice(o, n)]), Buffer([.. new byte[4 * k], .. d.Buffers[1].Span.Slice(4 * o, 4 * n)])],
                        children);
                }

                case RunEndEncodedType:
                    return PadRuns(d, k);
                default:
                    throw new NotSupportedException($"Cannot pad {ArrowTypeText.Of(type)}.");
            }
        }

        /// <summary>A first run of <c>k</c> slots over a padding value, then the runs that cover the array's slots, cut to them.</summary>
        private static ArrayData PadRuns(ArrayData d, int k)
        {
            ArrayData runEnds = d.Children[0];
            int width = ((FixedWidthType)runEnds.DataType).BitWidth / 8;
            long EndAt(int j) => ReadInteger(runEnds.Buffers[1].Span.Slice((runEnds.Offset + j) * width, width));
            var ends = new List<long> { k };
            int first = 0;
            while (first < runEnds.Length && EndAt(first) <= d.Offset)
            {
                first++;
            }

            int last = first;
            while (d.Length > 0 && last < runEnds.Length)
            {
                ends.Add(Math.Min(EndAt(last), d.Offset + d.Length) - d.Offset + k);
                if (EndAt(last++) >= d.Offset + d.Length)
                {
                    break;
                }
            }

            var bytes = new byte[ends.Count * width];
            for (int j = 0; j < ends.Count; j++)
            {
                WriteInteger(bytes.AsSpan(j * width, width), ends[j]);
            }

            var newEnds = new ArrayData(runEnds.DataType, ends.Count, 0, 0, [ArrowBuffer.Empty, Buffer(bytes)], System.Array.Empty<ArrayData>());
            ArrayData values = Pad(SliceData(d.Children[1], first, last - first), 1);
            return new ArrayData(d.DataType, d.Length + k, 0, 0, System.Array.Empty<ArrowBuffer>(), [newEnds, values]);
        }

        private static long ReadInteger(ReadOnlySpan<byte> source) => source.Length switch
        {
            1 => (sbyte)source[0],
            2 => BinaryPrimitives.ReadInt16LittleEndian(source),
            4 => BinaryPrimitives.ReadInt32LittleEndian(source),
            _ => BinaryPrimitives.ReadInt64LittleEndian(source),
        };

        private static ArrowBuffer Validity(ArrayData d, int k)
        {
            if (d.Buffers[0].IsEmpty && k == 0)
            {
                return ArrowBuffer.Empty;
            }

            var bits = new bool[k + d.Length];
            for (int i = 0; i < d.Length; i++)
            {
                bits[k + i] = SlotReader.IsValid(d, d.Offset + i);
            }

            return Bitmap(bits);
        }

        private static ArrowBuffer PadOffsets<T>(ArrowBuffer offsets, int o, int n, int k)
            where T : unmanaged
        {
            ReadOnlySpan<T> source = offsets.Span.CastTo<T>();
            return Buffer([.. Enumerable.Repeat(source[o], k), .. source.Slice(o, n + 1)]);
        }
    }
}
