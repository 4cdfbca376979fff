using DataBridge.Arrow;
using DataBridge.Ipc;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

/// <summary>
/// Property: for random schemas (nested at least three levels), random nulls and random slices,
/// write → read gives equal data. Seeds are fixed so a failure names a reproducible case.
/// </summary>
public class RandomRoundTripTests
{
    [Test]
    public void RoundTrip_RandomNestedSchemasNullsAndSlices_ReadBackEqual([Range(0, 39)] int seed)
    {
        var random = new Random(seed);
        int columns = 1 + random.Next(4);
        var fields = new List<Field>();
        var data = new List<ArrayData>();
        int length = random.Next(0, 40);
        for (int c = 0; c < columns; c++)
        {
            IArrowType type = RandomType(random, c == 0 ? 3 : random.Next(4), seed * 10 + c);
            fields.Add(new Field("c" + c, type, true));
            data.Add(RandomData(random, type, length));
        }

        RecordBatch batch = IpcTestData.FromData(new Schema(fields, null), data, length);
        int offset = length == 0 ? 0 : random.Next(length);
        RecordBatch slice = batch.Slice(offset, random.Next(length - offset + 1));
        byte[] bytes = Write(batch.Schema, [batch, slice]);
        AssertSameBatches([batch, slice], ReadAll(bytes, out _));
        AssertSameBatches([batch, slice], ReadAllFromStream(bytes));
    }

    /// <summary>A random type whose nesting is exactly <paramref name="depth"/> levels below it along its first child.</summary>
    private static IArrowType RandomType(Random random, int depth, int dictionaryId)
    {
        if (depth == 0)
        {
            return random.Next(7) switch
            {
                0 => Int32Type.Default,
                1 => Int64Type.Default,
                2 => StringType.Default,
                3 => BooleanType.Default,
                4 => DoubleType.Default,
                5 => LargeBinaryType.Default,
                _ => new DictionaryType(Int16Type.Default, StringType.Default, false),
            };
        }

        IArrowType inner = RandomType(random, depth - 1, dictionaryId);
        return random.Next(6) switch
        {
            0 => new ListType(inner),
            1 => new LargeListType(inner),
            2 => new FixedSizeListType(inner, 1 + random.Next(3)),
            3 => IpcTestData.UnionOf(random.Next(2) == 0 ? UnionMode.Sparse : UnionMode.Dense, [3, 1], new Field("a", inner, true), new Field("b", Int8Type.Default, true)),
            _ => new StructType([new Field("x", inner, true), new Field("y", RandomType(random, 0, dictionaryId + 1000), true)]),
        };
    }

    private static ArrayData RandomData(Random random, IArrowType type, int length)
    {
        bool[] valid = [.. Enumerable.Range(0, length).Select(_ => random.Next(4) != 0)];
        switch (type)
        {
            case Int8Type:
                return Primitive<sbyte>(type, [.. valid.Select(v => v ? (sbyte?)random.Next(-100, 100) : null)]);
            case Int32Type:
                return Int32([.. valid.Select(v => v ? (int?)random.Next() : null)]);
            case Int64Type or Int16Type:
                return Int64([.. valid.Select(v => v ? (long?)random.NextInt64() : null)]);
            case DoubleType:
                return Float64([.. valid.Select(v => v ? (double?)random.NextDouble() : null)]);
            case BooleanType:
                return Bool([.. valid.Select(v => v ? (bool?)(random.Next(2) == 0) : null)]);
            case StringType:
                return Utf8([.. valid.Select(v => v ? new string('s', random.Next(5)) : null)]);
            case LargeBinaryType:
                return Binary(type, [.. valid.Select(v => v ? Bytes(random.Next(5), random.Next()) : null)]);
            case DictionaryType d:
            {
                ArrayData values = Utf8([.. Enumerable.Range(0, 5).Select(i => "v" + i)]);
                return Dictionary(d, values, [.. valid.Select(v => v ? (int?)random.Next(5) : null)]);
            }

            case ListType or LargeListType:
            {
                var offsets = new int[length + 1];
                for (int i = 0; i < length; i++)
                {
                    offsets[i + 1] = offsets[i] + (valid[i] ? random.Next(4) : 0);
                }

                return List(type, RandomData(random, ((NestedType)type).Fields[0].DataType, offsets[^1]), offsets, valid);
            }

            case FixedSizeListType f:
                return new ArrayData(type, length, valid.Count(v => !v), 0, [NullableBitmap(valid)], [RandomData(random, f.ValueField.DataType, length * f.ListSize)]);
            case StructType s:
                return Struct(s, length, [.. s.Fields.Select(f => RandomData(random, f.DataType, length))], valid);
            case UnionType u when u.Mode == UnionMode.Sparse:
            {
                sbyte[] ids = [.. Enumerable.Range(0, length).Select(_ => (sbyte)u.TypeIds[random.Next(2)])];
                return Union(u, ids, null, [.. u.Fields.Select(f => RandomData(random, f.DataType, length))]);
            }

            case UnionType u:
            {
                sbyte[] ids = [.. Enumerable.Range(0, length).Select(_ => (sbyte)u.TypeIds[random.Next(2)])];
                var counts = new int[2];
                int[] offsets = [.. ids.Select(id => counts[System.Array.IndexOf(u.TypeIds, (int)id)]++)];
                return Union(u, ids, offsets, [.. u.Fields.Select((f, i) => RandomData(random, f.DataType, counts[i]))]);
            }

            default:
                throw new NotSupportedException(ArrowTypeText.Of(type));
        }
    }
}
