using DataBridge.Frames;

namespace DataBridge.Tests.Frames;

[TestFixture]
public sealed class DataFrameOperationsTests
{
    private static ArrowFrame Numbers(int rows, int partitionRows) =>
        ArrowFrame.FromColumns(partitionRows, ("id", Enumerable.Range(0, rows).Select(i => (long)i).ToArray()), ("name", Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? null : "n" + i).ToArray()));

    [Test]
    public void Repartition_Count_NearEqualPartitionsInOrder()
    {
        ArrowFrame frame = Numbers(10, 3).Repartition(4);

        Assert.That(frame.Partitions.Select(p => p.Length), Is.EqualTo(new[] { 3, 3, 2, 2 }));
        Assert.That(frame.Column<long>("id").ToArray(), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
        Assert.That(frame.Column<string>("name").ToArray(), Is.EqualTo(Numbers(10, 3).Column<string>("name").ToArray()));
    }

    [Test]
    public void Repartition_MoreThanRows_SomePartitionsEmpty()
    {
        ArrowFrame frame = Numbers(2, 5).Repartition(3);

        Assert.That(frame.Partitions.Select(p => p.Length), Is.EqualTo(new[] { 1, 1, 0 }));
    }

    [Test]
    public void RepartitionByRows_FullPartitionsAndAShortLast()
    {
        ArrowFrame frame = Numbers(10, 3).RepartitionByRows(4);

        Assert.That(frame.Partitions.Select(p => p.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(frame.Column<long>("id").ToArray(), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
        Assert.That(Numbers(0, 3).RepartitionByRows(4).Partitions, Is.Empty);
    }

    [Test]
    public void PartitionBy_EqualKeysMeetAndEveryRowIsKept()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(2, ("k", new[] { "a", "b", "a", "c", null, "b", "a" }), ("v", new[] { 1, 2, 3, 4, 5, 6, 7 }));

        ArrowFrame parts = frame.PartitionBy("k", 3);

        Assert.That(parts.Partitions, Has.Count.EqualTo(3));
        Assert.That(parts.RowCount, Is.EqualTo(7));
        Assert.That(parts.Column<int>("v").Order(), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6, 7 }));
        foreach (string key in new[] { "a", "b", "c" })
        {
            int holding = parts.Partitions.Count(p => Enumerable.Range(0, p.Length).Any(i => ((StringArray)p.Column(0)).GetString(i) == key));
            Assert.That(holding, Is.EqualTo(1), key);
        }

        Assert.That(((StringArray)parts.Partitions[0].Column(0)).NullCount, Is.EqualTo(1), "nulls go to partition 0");
    }

    [Test]
    public void PartitionBy_IsStable_SameValueSamePartitionAcrossFrames()
    {
        ArrowFrame a = ArrowFrame.FromColumns(("k", new long[] { 42, 7, 1000 })).PartitionBy("k", 5);
        ArrowFrame b = ArrowFrame.FromColumns(("k", new long[] { 1000, 42 })).PartitionBy("k", 5);

        int Where(ArrowFrame f, long key) => Enumerable.Range(0, 5).Single(p => ((Int64Array)f.Partitions[p].Column(0)).Values.Contains(key));
        Assert.That(Where(a, 42), Is.EqualTo(Where(b, 42)));
        Assert.That(Where(a, 1000), Is.EqualTo(Where(b, 1000)));

        // Pinned: the hash is FNV-1a over the little-endian bytes, so partitions never change between releases.
        Assert.That(Where(a, 42), Is.EqualTo((int)(Fnv(BitConverter.GetBytes(42L)) % 5)));
    }

    [Test]
    public void Concat_AppendsPartitionsWithoutCopying()
    {
        ArrowFrame a = Numbers(3, 10);
        ArrowFrame b = Numbers(2, 10);

        ArrowFrame both = a.Concat(b, ArrowFrame.Empty);

        Assert.That(both.RowCount, Is.EqualTo(5));
        Assert.That(both.Partitions[1], Is.SameAs(b.Partitions[0]));
    }

    [Test]
    public void Concat_DifferentColumns_ThrowsArgumentException()
    {
        Assert.That(() => Numbers(1, 1).Concat(ArrowFrame.FromColumns(("x", new[] { 1 }))), Throws.ArgumentException);
    }

    [Test]
    public void Slice_AcrossPartitions_ZeroCopyViews()
    {
        ArrowFrame frame = Numbers(10, 4);

        ArrowFrame slice = frame.Slice(3, 5);

        Assert.That(slice.Column<long>("id").ToArray(), Is.EqualTo(new long[] { 3, 4, 5, 6, 7 }));
        Assert.That(slice.Partitions.Select(p => p.Length), Is.EqualTo(new[] { 1, 4 }));
        Assert.That(slice.Partitions[1], Is.SameAs(frame.Partitions[1]));
        Assert.That(() => frame.Slice(8, 3), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Head_MoreThanRows_GivesAll()
    {
        Assert.That(Numbers(3, 2).Head(2).RowCount, Is.EqualTo(2));
        Assert.That(Numbers(3, 2).Head(10).RowCount, Is.EqualTo(3));
    }

    [Test]
    public void Select_ReordersAndSharesColumns()
    {
        ArrowFrame frame = Numbers(4, 2);

        ArrowFrame selected = frame.Select("name", "id");

        Assert.That(selected.Columns, Is.EqualTo(new[] { "name", "id" }));
        Assert.That(selected.Partitions[0].Column(1), Is.SameAs(frame.Partitions[0].Column(0)));
        Assert.That(() => frame.Select("nope"), Throws.TypeOf<KeyNotFoundException>());
    }

    [Test]
    public void Indexer_TypedColumnWithNullableValues()
    {
        ArrowFrame frame = Numbers(4, 3);

        ArrowFrameColumn id = frame["id"];
        ArrowFrameColumn name = frame["name"];

        Assert.That(id, Is.InstanceOf<ArrowFrameColumn<long?>>());
        Assert.That(((ArrowFrameColumn<long?>)id)[3], Is.EqualTo(3));
        Assert.That(name, Is.InstanceOf<ArrowFrameColumn<string>>());
        Assert.That(name.GetValue(0), Is.Null);
        Assert.That(name.IsNull(3), Is.True);
        Assert.That(name.NullCount, Is.EqualTo(2));
        Assert.That(() => frame["missing"], Throws.TypeOf<KeyNotFoundException>());
    }

    [Test]
    public void Column_NullIntoNonNullableType_Throws_NullableTypeGivesNull()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("x", new int?[] { 1, null }));

        Assert.That(() => frame.Column<int>("x")[1], Throws.InvalidOperationException);
        Assert.That(frame.Column<int?>("x")[1], Is.Null);
        Assert.That(frame.Column<long>("x")[0], Is.EqualTo(1L), "integers widen");
        Assert.That(() => frame.Column<string>("x"), Throws.TypeOf<InvalidCastException>());
    }

    [Test]
    public void Rows_EnumerateBoxedValuesByNameAndPosition()
    {
        ArrowFrameRow[] rows = [.. Numbers(3, 2).Rows];

        Assert.That(rows, Has.Length.EqualTo(3));
        Assert.That((rows[2].Index, rows[2]["id"], rows[2][1]), Is.EqualTo((2L, (object)2L, (object)"n2")));
        Assert.That(rows[0].ToString(), Is.EqualTo("{ id = 0, name = null }"));
    }

    [Test]
    public void ToString_AlignedTableWithShapeAndSchema()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("id", new long[] { 1, 100 }), ("name", new[] { "a", "bbbb" }), ("price", new double?[] { 2.5, null }));

        string text = frame.ToString();

        string expected = string.Join(Environment.NewLine,
            "ArrowFrame: 2 rows x 3 columns, 1 partition",
            "    id  name  price",
            "0    1  a       2.5",
            "1  100  bbbb   null",
            "Schema:",
            "  id: int64 not null",
            "  name: utf8",
            "  price: float64",
            string.Empty);
        Assert.That(text, Is.EqualTo(expected));
        Assert.That(Numbers(30, 7).ToString(), Does.Contain("... 20 more rows"));
    }

    [Test]
    public void Operations_OnEmptyFrames_GiveEmptyFrames()
    {
        ArrowFrame noRows = ArrowFrame.FromColumns(("a", Array.Empty<long>()));

        Assert.Multiple(() =>
        {
            Assert.That(ArrowFrame.Empty.Repartition(2).RowCount, Is.Zero);
            Assert.That(ArrowFrame.Empty.Head(5).ColumnCount, Is.Zero);
            Assert.That(ArrowFrame.Empty.Select().ColumnCount, Is.Zero);
            Assert.That(ArrowFrame.Empty.Rows, Is.Empty);
            Assert.That(noRows.Repartition(3).Partitions.Select(p => p.Length), Is.EqualTo(new[] { 0, 0, 0 }));
            Assert.That(noRows.PartitionBy("a", 2).RowCount, Is.Zero);
            Assert.That(noRows.Concat(noRows).RowCount, Is.Zero);
            Assert.That(noRows.Slice(0, 0).RowCount, Is.Zero);
            Assert.That(noRows.ToString(), Does.Contain("0 rows x 1 columns").And.Contain("a: int64 not null"));
        });
    }

    private static ulong Fnv(byte[] bytes)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return h;
    }
}
