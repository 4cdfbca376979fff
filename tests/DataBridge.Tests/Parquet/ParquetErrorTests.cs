using DataBridge.Parquet;
using DataBridge.Tests.Ipc;

namespace DataBridge.Tests.Parquet;

public class ParquetErrorTests
{
    private ParquetTestFiles _files = null!;

    [OneTimeSetUp]
    public void SetUp() => _files = new ParquetTestFiles();

    [OneTimeTearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void ReadAsync_NotAParquetFile_ThrowsParquetFormatExceptionNamingTheFile()
    {
        string path = _files.NewPath("text");
        File.WriteAllText(path, "id,name\n1,a\n2,b\n");

        var e = Assert.ThrowsAsync<ParquetFormatException>(async () => await ParquetRoundTripTests.ReadAll(path))!;

        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(path).And.Contain("Parquet"));
        Assert.That(e.Message, Does.Not.Contain("N7parquet"), "the native exception's type name is not shown");
        Assert.That(e, Is.InstanceOf<ArrowFormatException>());
    }

    [Test]
    public async Task ReadAsync_TruncatedFile_ThrowsParquetFormatExceptionNamingTheFile()
    {
        string path = _files.NewPath("truncated");
        RecordBatch batch = ParquetStreamingTests.Wide(0, 5000);
        await ParquetBatches.WriteAsync(path, batch.Schema, [batch]);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<ParquetFormatException>(() => ParquetBatches.ReadSchema(path))!;

        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public async Task ReadAsync_CorruptRowGroup_ThrowsParquetFormatExceptionNamingFileAndRowGroup()
    {
        string path = _files.NewPath("corrupt");
        RecordBatch batch = ParquetStreamingTests.Wide(0, 5000);
        await ParquetBatches.WriteAsync(path, batch.Schema, [batch], new ParquetWriteOptions { Compression = ParquetCompression.Zstd });
        byte[] bytes = await File.ReadAllBytesAsync(path);
        for (int i = 8; i < bytes.Length / 3; i++)
        {
            bytes[i] = 0x55;
        }

        await File.WriteAllBytesAsync(path, bytes);

        var e = Assert.ThrowsAsync<ParquetFormatException>(async () => await ParquetRoundTripTests.ReadAll(path))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain("row group 0"));
    }

    [Test]
    public void ReadSchema_MissingFile_ThrowsFileNotFoundExceptionNamingIt()
    {
        string path = _files.NewPath("missing");

        var e = Assert.Throws<FileNotFoundException>(() => ParquetBatches.ReadSchema(path))!;

        Assert.That(e.FileName, Is.EqualTo(path));
    }

    [TestCase("interval")]
    [TestCase("union")]
    [TestCase("run_end_encoded")]
    [TestCase("decimal128")]
    public void WriteAsync_TypeParquetCannotHold_ThrowsUnsupportedArrowFeatureNamingFileAndColumnAndWritesNothing(string kind)
    {
        ArrayData data = kind switch
        {
            "interval" => IpcTestData.Primitive<int>(IntervalType.YearMonth, 1, 2),
            "union" => IpcTestData.Union(IpcTestData.UnionOf(UnionMode.Sparse, null, new Field("i", Int32Type.Default, true)), [0, 0], null, IpcTestData.Int32(1, 2)),
            "decimal128" => IpcTestData.Fixed(new Decimal128Type(10, -2), new byte[32], [true, true]),
            _ => new ArrayData(new RunEndEncodedType(Int32Type.Default, Int64Type.Default), 2, 0, 0, [], [IpcTestData.Int32(2), IpcTestData.Int64(7)]),
        };
        RecordBatch batch = IpcTestData.Batch(("ok", IpcTestData.Int64(1, 2)), ("bad_column", data));
        string path = _files.NewPath();

        var e = Assert.ThrowsAsync<UnsupportedArrowFeatureException>(async () => await ParquetBatches.WriteAsync(path, batch.Schema, [batch]))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain("'bad_column'").And.Contain(kind));
        Assert.That(e.Feature, Is.EqualTo("type:" + kind));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void WriteAsync_UnionInsideAStruct_ThrowsNamingTheTopLevelColumn()
    {
        var structType = new StructType([new Field("u", IpcTestData.UnionOf(UnionMode.Sparse, null, new Field("i", Int32Type.Default, true)), true)]);
        var schema = new Schema([new Field("outer", structType, true)], null);

        var e = Assert.ThrowsAsync<UnsupportedArrowFeatureException>(async () => await ParquetBatches.WriteAsync(_files.NewPath(), schema, Array.Empty<RecordBatch>()))!;

        Assert.That(e.Message, Does.Contain("'outer'"));
    }

    [Test]
    public void WriteAsync_BatchOfAnotherSchema_ThrowsArgumentExceptionNamingTheColumnAndDeletesTheFile()
    {
        RecordBatch good = IpcTestData.Batch(("id", IpcTestData.Int64(1)), ("name", IpcTestData.Utf8("a")));
        RecordBatch bad = IpcTestData.Batch(("id", IpcTestData.Int64(2)), ("name", IpcTestData.Int32(5)));
        string path = _files.NewPath();

        var e = Assert.ThrowsAsync<ArgumentException>(async () => await ParquetBatches.WriteAsync(path, good.Schema, [good, bad]))!;

        Assert.That(e.Message, Does.Contain("'name'").And.Contain("int32").And.Contain("utf8"));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void WriteAsync_NullsInANonNullableField_ThrowsParquetFormatExceptionNamingFileAndColumn()
    {
        var schema = new Schema([new Field("required_id", Int64Type.Default, false)], null);
        var batch = new RecordBatch(schema, [ArrowArrayFactory.BuildArray(IpcTestData.Int64(1, null, 3))], 3);
        string path = _files.NewPath();

        var e = Assert.ThrowsAsync<ParquetFormatException>(async () => await ParquetBatches.WriteAsync(path, schema, [batch]))!;

        Assert.That(e.Message, Does.Contain(path).And.Contain("'required_id'").And.Contain("non-nullable"));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public async Task ReadAsync_UnknownColumn_ThrowsArgumentExceptionListingTheFilesColumns()
    {
        string path = _files.NewPath();
        RecordBatch batch = ParquetStreamingTests.Wide(0, 3);
        await ParquetBatches.WriteAsync(path, batch.Schema, [batch]);

        var e = Assert.ThrowsAsync<ArgumentException>(async () => await ParquetRoundTripTests.ReadAll(path, new ParquetReadOptions { Columns = ["id", "nope"] }))!;

        Assert.That(e.Message, Does.Contain("'nope'").And.Contain(path).And.Contain("id, value, name, point"));
    }

    [Test]
    public void Options_OutOfRange_ThrowBeforeAnyFileIsTouched()
    {
        string path = _files.NewPath();
        Schema schema = ParquetStreamingTests.Wide(0).Schema;

        Assert.That(async () => await ParquetRoundTripTests.ReadAll(path, new ParquetReadOptions { MaxRowsPerBatch = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(async () => await ParquetBatches.WriteAsync(path, schema, Array.Empty<RecordBatch>(), new ParquetWriteOptions { RowGroupRows = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(async () => await ParquetBatches.WriteAsync(path, schema, Array.Empty<RecordBatch>(), new ParquetWriteOptions { CompressionLevel = 3 }), Throws.ArgumentException);
        Assert.That(File.Exists(path), Is.False);
    }
}
