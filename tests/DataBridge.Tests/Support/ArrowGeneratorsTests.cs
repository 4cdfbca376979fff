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
                    IArrowArray column = batch.Column(c);
                    Assert.That(column.Length, Is.EqualTo(batch.Length));
                    ArrayReader.ReadAll(column);
                    Assert.That(column.Data.NullCount, Is.EqualTo(ArrowGenerators.CountNulls(column.Data)), $"column {c} null count");
                }
            }
        }).Check(Quick);
    }

    [Test]
    public void Batches_ClonedByApacheArrow_CompareEqual()
    {
        Prop.ForAll(ArrowGenerators.SchemaAndBatches().ToArbitrary(), sample =>
        {
            foreach (RecordBatch batch in sample.Batches)
            {
                RecordBatch copy = batch.Clone();
                Assert.That(ArrayDataComparer.FirstDifference(batch, copy), Is.Null);
            }
        }).Check(Quick);
    }

    [Test]
    public void Schemas_ReachDepthThreeAndEveryPrimitiveType()
    {
        IReadOnlyList<Schema> schemas = ArrowGenerators.Schema().Sample(numberOfSamples: 1000, 30);
        var seen = new List<IArrowType>();
        foreach (Schema schema in schemas)
        {
            foreach (Field f in schema.FieldsList)
            {
                Collect(f.DataType, seen);
            }
        }

        int maxDepth = schemas.SelectMany(s => s.FieldsList).Max(f => ArrowGenerators.Depth(f.DataType));
        Assert.Multiple(() =>
        {
            Assert.That(maxDepth, Is.GreaterThanOrEqualTo(3));
            Assert.That(
                ArrowGenerators.PrimitiveTypes.Where(t => !seen.Any(s => ArrowTypeEquality.Equal(s, t))).Select(ArrowTypeText.Of),
                Is.Empty,
                "primitive types never generated");
            ArrowTypeId[] nested =
            [
                ArrowTypeId.Struct, ArrowTypeId.List, ArrowTypeId.LargeList, ArrowTypeId.ListView, ArrowTypeId.LargeListView, ArrowTypeId.FixedSizeList,
                ArrowTypeId.Map, ArrowTypeId.Union, ArrowTypeId.Dictionary, ArrowTypeId.RunEndEncoded,
            ];
            foreach (ArrowTypeId id in nested)
            {
                Assert.That(seen.Any(t => t.TypeId == id), Is.True, $"{id} never generated");
            }

            Assert.That(seen.OfType<UnionType>().Select(u => u.Mode).Distinct().Count(), Is.EqualTo(2), "both union modes");
            Assert.That(schemas.Any(s => s.FieldsList.Count == 0), Is.True, "an empty schema");
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
            Assert.That(batches.Any(b => b.Arrays.Any(c => c.NullCount > 0)), Is.True, "nulls");
            Assert.That(
                batches.Any(b => b.Arrays.Any(c => c.NullCount == 0 && c.Data.Buffers.Length > 0 && c.Data.Buffers[0].IsEmpty && c.Data.DataType is not UnionType && c.Length > 0)),
                Is.True,
                "omitted validity");
        });
    }

    [Test]
    public void MapKeys_AreNonNullAndDistinctWithinEachMap()
    {
        var type = new MapType(StringType.Default, Int32Type.Default);
        var map = (MapArray)ArrowGenerators.RandomArray(type, 200, new Random(7));
        var keys = (StringArray)map.Keys;
        Assert.That(keys.NullCount, Is.Zero);
        for (int i = 0; i < map.Length; i++)
        {
            string?[] entries = [.. Enumerable.Range(map.ValueOffsets[i], map.GetValueLength(i)).Select(k => keys.GetString(k))];
            Assert.That(entries, Is.Unique, $"map {i}");
        }
    }

    [Test]
    public void ShiftChildren_KeepsLogicalValuesWithChildrenAtOffsets()
    {
        var random = new Random(5);
        foreach (IArrowType type in ArrowGenerators.DeepType(3).Sample(numberOfSamples: 100, 20))
        {
            IArrowArray array = ArrowGenerators.RandomArray(type, 12, random);
            ArrayData shifted = ArrowGenerators.ShiftChildren(array.Data, random);
            Assert.That(ArrayDataComparer.FirstDifference(array.Data, shifted), Is.Null, ArrowTypeText.Of(type));
            if (shifted.Children.Length > 0 && type is not RunEndEncodedType)
            {
                Assert.That(shifted.Children.All(c => c.Offset > 0), Is.True, ArrowTypeText.Of(type));
            }

            ArrayReader.ReadAll(ArrowArrayFactory.BuildArray(shifted));
        }
    }

    [Test]
    public void NewerTypes_AreGenerated_AndReadByApacheArrowsTypedArrays()
    {
        var random = new Random(11);
        IArrowType[] types =
        [
            StringViewType.Default, BinaryViewType.Default, new Decimal32Type(9, 2), new Decimal64Type(18, 4),
            new ListViewType(Int32Type.Default), new LargeListViewType(StringType.Default),
            new RunEndEncodedType(Int32Type.Default, StringType.Default), new RunEndEncodedType(Int16Type.Default, DoubleType.Default),
        ];
        foreach (IArrowType type in types)
        {
            IArrowArray array = ArrowGenerators.RandomArray(type, 40, random);
            Assert.That(array.Length, Is.EqualTo(40), ArrowTypeText.Of(type));
            Assert.That(ArrayReader.ReadAll(array), Is.GreaterThanOrEqualTo(40), ArrowTypeText.Of(type));
        }
    }

    private static void Collect(IArrowType type, List<IArrowType> seen)
    {
        seen.Add(type);
        foreach (IArrowType child in ArrowGenerators.ChildTypes(type))
        {
            Collect(child, seen);
        }
    }
}
