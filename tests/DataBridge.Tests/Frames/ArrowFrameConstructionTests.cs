using Apache.Arrow.Arrays;
using DataBridge.Arrow;
using DataBridge.Frames;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Frames;

[TestFixture]
public sealed class DataFrameConstructionTests
{
    [Test]
    public void FromRecords_EveryMappedType_ToRecordsGivesEqualObjects()
    {
        AllTypes[] input = AllTypes.Samples();

        ArrowFrame frame = ArrowFrame.FromRecords(input);
        AllTypes[] output = [.. frame.ToRecords<AllTypes>()];

        Assert.That(output, Has.Length.EqualTo(input.Length));
        for (int i = 0; i < input.Length; i++)
        {
            Assert.That(output[i].SameAs(input[i]), Is.True, $"row {i}:{Environment.NewLine}{input[i]}{Environment.NewLine}{output[i]}");
        }
    }

    [Test]
    public void FromRecords_Schema_FollowsTheDocumentedMapping()
    {
        Schema schema = ArrowFrame.FromRecords(AllTypes.Samples()).Schema;

        string Type(string name) => ArrowTypeText.Of(schema.FieldsList[ArrowFrame.IndexOf(schema, name)].DataType);
        bool Nullable(string name) => schema.FieldsList[ArrowFrame.IndexOf(schema, name)].IsNullable;
        Assert.Multiple(() =>
        {
            Assert.That(Type("Flag"), Is.EqualTo("bool"));
            Assert.That(Type("I8"), Is.EqualTo("int8"));
            Assert.That(Type("U64"), Is.EqualTo("uint64"));
            Assert.That(Type("F16"), Is.EqualTo("float16"));
            Assert.That(Type("Money"), Is.EqualTo("decimal256(76, 28)"), "MaxValue and a 28-digit scale need 57 digits");
            Assert.That(Type("NMoney"), Is.EqualTo("decimal128(38, 3)"));
            Assert.That(Type("Text"), Is.EqualTo("utf8"));
            Assert.That(Type("Blob"), Is.EqualTo("binary"));
            Assert.That(Type("Id"), Is.EqualTo("fixed_size_binary[16]"));
            Assert.That(ClrTypeMapping.ExtensionName(schema.FieldsList[ArrowFrame.IndexOf(schema, "Id")]), Is.EqualTo("arrow.uuid"));
            Assert.That(Type("When"), Is.EqualTo("timestamp[us]"));
            Assert.That(Type("WhenOffset"), Does.StartWith("struct<timestamp: timestamp[us, UTC]"));
            Assert.That(Type("Day"), Is.EqualTo("date32"));
            Assert.That(Type("Time"), Is.EqualTo("time64[ns]"));
            Assert.That(Type("Span"), Is.EqualTo("duration[ns]"));
            Assert.That(Type("Color"), Is.EqualTo("utf8"));
            Assert.That(Nullable("I64"), Is.False);
            Assert.That(Nullable("NI64"), Is.True);
            Assert.That(Nullable("Text"), Is.True);
        });
    }

    [Test]
    public void FromRecords_AllNullRow_EveryNullableColumnHoldsANull()
    {
        ArrowFrame frame = ArrowFrame.FromRecords([new AllTypes()]);

        foreach (Field field in frame.Schema.FieldsList.Where(f => f.Name.StartsWith('N') || f.Name is "Text" or "Blob"))
        {
            Assert.That(frame.Partitions[0].Column(ArrowFrame.IndexOf(frame.Schema, field.Name)).NullCount, Is.EqualTo(1), field.Name);
        }

        Assert.That(frame.ToRecords<AllTypes>().Single().SameAs(new AllTypes()), Is.True);
    }

    [Test]
    public void FromRecords_UtcDateTimes_ColumnIsZonedUtcAndKindComesBack()
    {
        var when = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        ArrowFrame frame = ArrowFrame.FromRecords([new { When = when }, new { When = when.AddDays(1) }]);

        Assert.That(ArrowTypeText.Of(frame.Schema[0].DataType), Is.EqualTo("timestamp[us, UTC]"));
        DateTime back = frame.Column<DateTime>("When")[0];
        Assert.That((back, back.Kind), Is.EqualTo((when, DateTimeKind.Utc)));
    }

    [Test]
    public void FromRecords_LocalAndUnspecifiedDateTimes_StoredAsWallClockWithoutZone()
    {
        var local = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Local);
        ArrowFrame frame = ArrowFrame.FromRecords([new { When = local }, new { When = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) }]);

        Assert.That(ArrowTypeText.Of(frame.Schema[0].DataType), Is.EqualTo("timestamp[us]"));
        DateTime back = frame.Column<DateTime>("When")[0];
        Assert.That((back.Ticks, back.Kind), Is.EqualTo((local.Ticks, DateTimeKind.Unspecified)));
    }

    [Test]
    public void FromRecords_SubMicrosecondTicks_DateTimeFlooredTimeOnlyAndTimeSpanExact()
    {
        var row = new { When = new DateTime(2024, 1, 1).AddTicks(123), Time = new TimeOnly(1, 2, 3).Add(TimeSpan.FromTicks(7)), Span = TimeSpan.FromTicks(-7) };
        ArrowFrame frame = ArrowFrame.FromRecords([row]);

        Assert.Multiple(() =>
        {
            Assert.That(frame.Column<DateTime>("When")[0], Is.EqualTo(new DateTime(2024, 1, 1).AddTicks(120)));
            Assert.That(frame.Column<TimeOnly>("Time")[0], Is.EqualTo(row.Time));
            Assert.That(frame.Column<TimeSpan>("Span")[0], Is.EqualTo(row.Span));
        });
    }

    [Test]
    public void FromRecords_TimeSpanBeyondNanosecondRange_ThrowsOverflowNamingTheColumn()
    {
        Assert.That(() => ArrowFrame.FromRecords([new { Span = TimeSpan.MaxValue }]),
            Throws.TypeOf<OverflowException>().With.Message.Contains("'Span'"));
    }

    [Test]
    public void FromRecords_Decimals_ScaleIsTheLargestAndValuesAreExact()
    {
        decimal[] values = [1.5m, -2.25m, 79228162514264337593543950335m / 1e10m, 0m];
        ArrowFrame frame = ArrowFrame.FromColumns(("d", values));

        var type = (Decimal128Type)frame.Schema[0].DataType;
        Assert.That((type.Precision, type.Scale, type.ByteWidth), Is.EqualTo((38, 10, 16)));
        Assert.That(frame.Column<decimal>("d").ToArray(), Is.EqualTo(values));
    }

    [Test]
    public void FromRecords_Guid_StoredInRfc4122ByteOrder()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        ArrowFrame frame = ArrowFrame.FromRecords([new { Id = id }]);

        var array = (FixedSizeBinaryArray)frame.Partitions[0].Column(0);
        Assert.That(Convert.ToHexString(array.GetBytes(0)), Is.EqualTo("00112233445566778899AABBCCDDEEFF"));
        Assert.That(frame["Id"].GetValue(0), Is.EqualTo(id));
    }

    [Test]
    public void FromRecords_Enums_StoredByNameIncludingFlagsAndUndefinedValues()
    {
        ArrowFrame frame = ArrowFrame.FromRecords([new { C = Color.Green, A = Access.Read | Access.Write }, new { C = (Color)42, A = Access.None }]);

        Assert.That(frame.Column<string>("C").ToArray(), Is.EqualTo(new[] { "Green", "42" }));
        Assert.That(frame.Column<string>("A").ToArray(), Is.EqualTo(new[] { "Read, Write", "None" }));
        Assert.That(frame.Column<Access>("A").ToArray(), Is.EqualTo(new[] { Access.Read | Access.Write, Access.None }));
    }

    [Test]
    public void Column_EnumFromIntegerColumn_ReadsByValue()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("c", new[] { 2, 0, 42 }), ("a", new byte?[] { 3, null, 1 }));

        Assert.That(frame.Column<Color>("c").ToArray(), Is.EqualTo(new[] { Color.Blue, Color.Red, (Color)42 }));
        Assert.That(frame.Column<Access?>("a").ToArray(), Is.EqualTo(new Access?[] { Access.Read | Access.Write, null, Access.Read }));
    }

    [Test]
    public void FromRecords_MaxRowsPerPartition_SplitsIntoPartitions()
    {
        ArrowFrame frame = ArrowFrame.FromRecords(Enumerable.Range(0, 10).Select(i => new { I = i }), maxRowsPerPartition: 4);

        Assert.That(frame.Partitions.Select(p => p.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(frame.Column<int>("I").ToArray(), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void FromRecords_NullRecord_ThrowsArgumentException()
    {
        Assert.That(() => ArrowFrame.FromRecords(new OrderView?[] { new(), null }), Throws.ArgumentException);
    }

    [Test]
    public void FromRecords_UnmappedPropertyType_ThrowsNotSupported()
    {
        Assert.That(() => ArrowFrame.FromRecords([new { Items = new List<int>() }]), Throws.TypeOf<NotSupportedException>().With.Message.Contains("Items"));
    }

    [Test]
    public void FromRecords_Empty_ZeroRowsWithTheSchema()
    {
        ArrowFrame frame = ArrowFrame.FromRecords(Array.Empty<Order>());

        Assert.That(frame.RowCount, Is.Zero);
        Assert.That(frame.Columns, Is.EqualTo(new[] { "Id", "Name", "Price", "Day" }));
        Assert.That(frame.ToRecords<Order>(), Is.Empty);
    }

    [Test]
    public void ToRecords_PositionalRecord_BuiltThroughItsConstructor()
    {
        Order[] orders = [new(1, "a", 1.25m, new DateOnly(2024, 1, 2)), new(2, null, -3m, DateOnly.MinValue)];

        Assert.That(ArrowFrame.FromRecords(orders).ToRecords<Order>(), Is.EqualTo(orders));
    }

    [Test]
    public void ToRecords_NamesMatchIgnoringCase_UnmatchedPropertiesKeepDefaults()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("id", new long[] { 5 }), ("NAME", new[] { "x" }), ("extra", new[] { 1.0 }));

        OrderView view = frame.ToRecords<OrderView>().Single();

        Assert.That((view.Id, view.Name, view.Missing), Is.EqualTo((5L, "x", "unset")));
    }

    [Test]
    public void ToRecords_NullIntoNonNullableProperty_ThrowsInvalidOperation()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("Id", new long?[] { null }));

        Assert.That(() => frame.ToRecords<OrderView>().ToList(), Throws.InvalidOperationException);
    }

    [Test]
    public void FromColumns_EveryArrayType_ValuesAndNullsRoundTrip()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(
            ("b", new bool?[] { true, null }),
            ("i", new long[] { long.MinValue, long.MaxValue }),
            ("ni", new int?[] { null, 3 }),
            ("u", new ulong?[] { ulong.MaxValue, null }),
            ("h", new Half?[] { Half.MinValue, null }),
            ("f", new float[] { float.Epsilon, float.NaN }),
            ("d", new double?[] { null, double.NegativeInfinity }),
            ("m", new decimal?[] { decimal.MinValue, null }),
            ("s", new string?[] { "x", null }),
            ("bin", new byte[]?[] { null, [0xff] }),
            ("g", new Guid?[] { Guid.Empty, null }),
            ("t", new DateTime?[] { DateTime.MaxValue.AddTicks(-9), null }),
            ("o", new DateTimeOffset?[] { null, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.FromHours(5)) }),
            ("day", new DateOnly?[] { DateOnly.MinValue, null }),
            ("tod", new TimeOnly?[] { null, TimeOnly.MaxValue }),
            ("dur", new TimeSpan?[] { TimeSpan.FromTicks(-1), null }),
            ("e", new Color?[] { null, Color.Blue }));

        Assert.Multiple(() =>
        {
            Assert.That(frame.RowCount, Is.EqualTo(2));
            Assert.That(frame.Column<bool?>("b").ToArray(), Is.EqualTo(new bool?[] { true, null }));
            Assert.That(frame.Column<long>("i").ToArray(), Is.EqualTo(new[] { long.MinValue, long.MaxValue }));
            Assert.That(frame.Column<int?>("ni").ToArray(), Is.EqualTo(new int?[] { null, 3 }));
            Assert.That(frame.Column<ulong?>("u").ToArray(), Is.EqualTo(new ulong?[] { ulong.MaxValue, null }));
            Assert.That(frame.Column<Half?>("h").ToArray(), Is.EqualTo(new Half?[] { Half.MinValue, null }));
            Assert.That(frame.Column<float>("f").ToArray(), Is.EqualTo(new[] { float.Epsilon, float.NaN }));
            Assert.That(frame.Column<double?>("d").ToArray(), Is.EqualTo(new double?[] { null, double.NegativeInfinity }));
            Assert.That(frame.Column<decimal?>("m").ToArray(), Is.EqualTo(new decimal?[] { decimal.MinValue, null }));
            Assert.That(frame.Column<string>("s").ToArray(), Is.EqualTo(new[] { "x", null }));
            Assert.That(frame.Column<byte[]>("bin").ToArray(), Is.EqualTo(new[] { null, new byte[] { 0xff } }));
            Assert.That(frame.Column<Guid?>("g").ToArray(), Is.EqualTo(new Guid?[] { Guid.Empty, null }));
            Assert.That(frame.Column<DateTime?>("t").ToArray(), Is.EqualTo(new DateTime?[] { DateTime.MaxValue.AddTicks(-9), null }));
            Assert.That(frame.Column<DateTimeOffset?>("o")[1]!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(5)));
            Assert.That(frame.Column<DateOnly?>("day").ToArray(), Is.EqualTo(new DateOnly?[] { DateOnly.MinValue, null }));
            Assert.That(frame.Column<TimeOnly?>("tod").ToArray(), Is.EqualTo(new TimeOnly?[] { null, TimeOnly.MaxValue }));
            Assert.That(frame.Column<TimeSpan?>("dur").ToArray(), Is.EqualTo(new TimeSpan?[] { TimeSpan.FromTicks(-1), null }));
            Assert.That(frame.Column<Color?>("e").ToArray(), Is.EqualTo(new Color?[] { null, Color.Blue }));
            Assert.That(frame.Schema.FieldsList.All(f => f.IsNullable || f.Name is "i" or "f"), Is.True);
        });
    }

    [Test]
    public void FromColumns_DifferentLengths_ThrowsArgumentException()
    {
        Assert.That(() => ArrowFrame.FromColumns(("a", new[] { 1 }), ("b", new[] { 1, 2 })), Throws.ArgumentException);
    }

    [Test]
    public void FromColumns_NoColumns_IsTheEmptyFrame()
    {
        ArrowFrame frame = ArrowFrame.FromColumns();

        Assert.That((frame.RowCount, frame.ColumnCount, frame.Partitions.Count), Is.EqualTo((0L, 0, 0)));
        Assert.That(frame.ToString(), Does.Contain("0 rows x 0 columns"));
    }

    [Test]
    public void FromColumns_ZeroRows_KeepsTypedColumns()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("a", Array.Empty<long>()), ("b", Array.Empty<string>()));

        Assert.That(frame.RowCount, Is.Zero);
        Assert.That(frame.Schema.FieldsList.Select(f => ArrowTypeText.Of(f.DataType)), Is.EqualTo(new[] { "int64", "utf8" }));
        Assert.That(frame.Column<long>("a").ToArray(), Is.Empty);
    }

    [Test]
    public void ArrowStream_WriteThenRead_GivesTheSameSchemaAndBatches()
    {
        ArrowFrame frame = ArrowFrame.FromRecords(AllTypes.Samples(), maxRowsPerPartition: 2);
        using var stream = new MemoryStream();

        frame.WriteArrow(stream);
        stream.Position = 0;
        ArrowFrame back = ArrowFrame.FromArrow(stream);

        Assert.That(ArrowTypeEquality.Equal(back.Schema, frame.Schema), Is.True, ArrowTypeText.Of(back.Schema));
        Assert.That(back.Partitions, Has.Count.EqualTo(2));
        for (int p = 0; p < 2; p++)
        {
            Assert.That(ArrayDataComparer.FirstDifference(frame.Partitions[p], back.Partitions[p]), Is.Null);
        }

        Assert.That(back.ToRecords<AllTypes>().Zip(AllTypes.Samples()).All(p => p.First.SameAs(p.Second)), Is.True);
    }

    [Test]
    public async Task ArrowStream_AsyncWriteThenRead_EmptyFrameKeepsItsSchema()
    {
        ArrowFrame frame = ArrowFrame.FromColumns(("a", Array.Empty<int>()));
        using var stream = new MemoryStream();

        await frame.WriteArrowAsync(stream);
        stream.Position = 0;
        ArrowFrame back = await ArrowFrame.FromArrowAsync(stream);

        Assert.That(ArrowTypeEquality.Equal(back.Schema, frame.Schema), Is.True, ArrowTypeText.Of(back.Schema));
        Assert.That(back.RowCount, Is.Zero);
    }

    [Test]
    public void FromArrow_Batches_NoCopyAndSchemaFromTheFirst()
    {
        ArrowFrame source = ArrowFrame.FromColumns(2, ("a", new[] { 1, 2, 3 }));

        ArrowFrame frame = ArrowFrame.FromArrow(source.Partitions);

        Assert.That(frame.Partitions[0], Is.SameAs(source.Partitions[0]));
        Assert.That(ArrowFrame.FromArrow(Array.Empty<RecordBatch>()).ColumnCount, Is.Zero);
    }
}
