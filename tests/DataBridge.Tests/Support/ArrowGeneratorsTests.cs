using DataBridge.Arrow;
using FsCheck;
using FsCheck.Fluent;

namespace DataBridge.Tests.Support;

public class ArrowGeneratorsTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(150);

    [Test]
    public void Batches_AreReadableByTypedArrays()
    {
        Prop.ForAll(ArrowGenerators.SchemaAndBatches().ToArbitrary(), sample =>
        {
            foreach (RecordBatch batch in sample.Batches)
            {
                Assert.That(batch.Schema, Is.SameAs(sample.Schema));
                for (int c = 0; c < batch.ColumnCount; c++)
                {
                    ArrowArray column = batch.Column(c);
                    Assert.That(column.Length, Is.EqualTo(batch.Length));
                    ArrayReader.ReadAll(column);
                    Assert.That(column.Data.NullCount, Is.EqualTo(CountNulls(column)), $"column {c} null count");
                }
            }
        }).Check(Quick);
    }

    [Test]
    public void Batches_CopiedThroughBuilders_CompareEqual()
    {
        Prop.ForAll(ArrowGenerators.SchemaAndBatches().ToArbitrary(), sample =>
        {
            foreach (RecordBatch batch in sample.Batches)
            {
                var copies = new ArrowArray[batch.ColumnCount];
                for (int c = 0; c < batch.ColumnCount; c++)
                {
                    IArrowArrayBuilder builder = ArrowArrayBuilderFactory.Create(batch.Schema[c].DataType);
                    for (int i = 0; i < batch.Length; i++)
                    {
                        builder.AppendFrom(batch.Column(c), i);
                    }

                    copies[c] = builder.Build();
                    Assert.That(copies[c].Offset, Is.Zero);
                }

                var copy = new RecordBatch(batch.Schema, copies, batch.Length);
                Assert.That(ArrayDataComparer.FirstDifference(batch, copy), Is.Null);
            }
        }).Check(Quick);
    }

    [Test]
    public void Schemas_ReachDepthThreeAndEveryPrimitiveType()
    {
        IReadOnlyList<Schema> schemas = ArrowGenerators.Schema().Sample(numberOfSamples: 1000, 30);
        var seen = new HashSet<ArrowType>();
        foreach (Schema schema in schemas)
        {
            foreach (Field f in schema.Fields)
            {
                Collect(f.DataType, seen);
            }
        }

        int maxDepth = schemas.SelectMany(s => s.Fields).Max(f => ArrowGenerators.Depth(f.DataType));
        Assert.Multiple(() =>
        {
            Assert.That(maxDepth, Is.GreaterThanOrEqualTo(3));
            Assert.That(ArrowGenerators.PrimitiveTypes.Where(t => !seen.Contains(t)), Is.Empty, "primitive types never generated");
            foreach (ArrowTypeId id in new[] { ArrowTypeId.Struct, ArrowTypeId.List, ArrowTypeId.LargeList, ArrowTypeId.FixedSizeList, ArrowTypeId.Map, ArrowTypeId.Union, ArrowTypeId.Dictionary })
            {
                Assert.That(seen.Any(t => t.TypeId == id), Is.True, $"{id} never generated");
            }

            Assert.That(seen.OfType<UnionType>().Select(u => u.Mode).Distinct().Count(), Is.EqualTo(2), "both union modes");
            Assert.That(schemas.Any(s => s.Fields.Count == 0), Is.True, "an empty schema");
        });
    }

    [Test]
    public void Batches_IncludeEmptySlicedAndNullData()
    {
        IReadOnlyList<SchemaAndBatches> samples = ArrowGenerators.SchemaAndBatches().Sample(numberOfSamples: 300, 30);
        RecordBatch[] batches = [.. samples.SelectMany(s => s.Batches).Where(b => b.ColumnCount > 0)];
        Assert.Multiple(() =>
        {
            Assert.That(batches.Any(b => b.Length == 0), Is.True, "an empty batch");
            Assert.That(batches.Any(b => b.Column(0).Offset > 0), Is.True, "a sliced batch");
            Assert.That(batches.Any(b => b.Columns.Any(c => c.NullCount > 0)), Is.True, "nulls");
            Assert.That(batches.Any(b => b.Columns.Any(c => c.NullCount == 0 && c.Data.Validity.IsEmpty && c.Length > 0)), Is.True, "omitted validity");
        });
    }

    [Test]
    public void MapKeys_AreNonNullAndDistinctWithinEachMap()
    {
        var type = new MapType(Utf8Type.Default, IntType.Int32);
        var map = (MapArray)ArrowGenerators.RandomArray(type, 200, new Random(7));
        var keys = (StringArray)map.Keys;
        Assert.That(keys.NullCount, Is.Zero);
        for (int i = 0; i < map.Length; i++)
        {
            string?[] entries = [.. Enumerable.Range(map.GetValueOffset(i), map.GetValueLength(i)).Select(keys.GetString)];
            Assert.That(entries, Is.Unique, $"map {i}");
        }
    }

    [Test]
    public void ShiftChildren_KeepsLogicalValuesWithChildrenAtOffsets()
    {
        var random = new Random(5);
        foreach (ArrowType type in ArrowGenerators.DeepType(3).Sample(numberOfSamples: 100, 20))
        {
            ArrowArray array = ArrowGenerators.RandomArray(type, 12, random);
            ArrayData shifted = ArrowGenerators.ShiftChildren(array.Data, random);
            Assert.That(ArrayDataComparer.FirstDifference(array.Data, shifted), Is.Null, type.ToString());
            if (shifted.Children.Length > 0)
            {
                Assert.That(shifted.Children.All(c => c.Offset > 0), Is.True, type.ToString());
            }
        }
    }

    private static int CountNulls(ArrowArray array)
    {
        int nulls = 0;
        for (int i = 0; i < array.Length; i++)
        {
            nulls += array.IsNull(i) ? 1 : 0;
        }

        return nulls;
    }

    private static void Collect(ArrowType type, HashSet<ArrowType> seen)
    {
        seen.Add(type);
        if (type is DictionaryType d)
        {
            Collect(d.ValueType, seen);
        }

        foreach (Field child in type.Children)
        {
            Collect(child.DataType, seen);
        }
    }
}
