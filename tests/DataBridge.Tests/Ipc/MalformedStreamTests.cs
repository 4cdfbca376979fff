using System.Runtime.InteropServices;
using DataBridge.Arrow;
using DataBridge.Ipc;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

public class MalformedStreamTests
{
    private static byte[] Int64Stream() // 5 rows: values buffer {offset 0, length 40}
    {
        RecordBatch batch = Batch(("col", Int64(10, 20, 30, 40, 50)));
        return Write(batch.Schema, [batch]);
    }

    /// <summary>Reads everything from memory and from a non-seekable stream; both must throw the same exception type.</summary>
    private static TException ReadBoth<TException>(byte[] bytes, ArrowIpcReaderOptions? options = null)
        where TException : Exception
    {
        var fromMemory = Assert.Throws<TException>(() => Drain(new ArrowIpcReader(bytes, options)));
        Assert.Throws<TException>(() => Drain(new ArrowIpcReader(new NonSeekableStream(bytes, 7), options)));
        return fromMemory;
    }

    private static void Drain(ArrowIpcReader reader)
    {
        using (reader)
        {
            foreach (RecordBatch batch in reader.ReadRecordBatches())
            {
                batch.Dispose();
            }
        }
    }

    private static byte[] Patch<T>(byte[] bytes, T[] find, T[] replace)
        where T : unmanaged
    {
        byte[] pattern = MemoryMarshal.AsBytes(find.AsSpan()).ToArray();
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "pattern not found");
        Assert.That(bytes.AsSpan(at + 1).IndexOf(pattern), Is.LessThan(0), "pattern not unique");
        byte[] copy = (byte[])bytes.Clone();
        MemoryMarshal.AsBytes(replace.AsSpan()).CopyTo(copy.AsSpan(at));
        return copy;
    }

    [Test]
    public void ReadBatch_TruncatedBody_ThrowsArrowFormatException()
    {
        byte[] bytes = Int64Stream();
        byte[] truncated = bytes[..(bytes.Length - 8 - 20)];
        ArrowFormatException e = ReadBoth<ArrowFormatException>(truncated);
        Assert.That(e.Message, Does.Contain("Message 1"));
    }

    [Test]
    public void ReadBatch_TruncatedAnywhere_ThrowsArrowFormatExceptionOrEndsAtBoundary()
    {
        byte[] bytes = Write(AllTypesRoundTripTests.EveryType().Schema, [AllTypesRoundTripTests.EveryType()]);
        var boundaries = DictionaryStreamTests.Frames(bytes).Select(f => f.Start).Append(bytes.Length - 8).ToHashSet();
        for (int cut = 0; cut < bytes.Length; cut += 13)
        {
            byte[] truncated = bytes[..cut];
            if (boundaries.Contains(cut) && cut > 0)
            {
                Assert.DoesNotThrow(() => Drain(new ArrowIpcReader(truncated)), $"cut at boundary {cut}");
            }
            else
            {
                Assert.Throws<ArrowFormatException>(() => Drain(new ArrowIpcReader(truncated)), $"cut at {cut}");
            }
        }
    }

    [Test]
    public void ReadBatch_BufferOutsideBody_ThrowsNamingFieldAndBuffer()
    {
        byte[] bad = Patch(Int64Stream(), new long[] { 0, 40 }, new long[] { 0, 4000 });
        ArrowFormatException e = ReadBoth<ArrowFormatException>(bad);
        Assert.That(e.Message, Does.Contain("'col'").And.Contain("values buffer").And.Contain("Message 1"));
    }

    [Test]
    public void ReadBatch_BufferTooShortForLength_Throws()
    {
        byte[] bad = Patch(Int64Stream(), new long[] { 0, 40 }, new long[] { 0, 32 });
        Assert.That(ReadBoth<ArrowFormatException>(bad).Message, Does.Contain("at least 40"));
    }

    [Test]
    public void ReadBatch_NullCountAboveLength_Throws()
    {
        byte[] bad = Patch(Int64Stream(), new long[] { 5, 0 }, new long[] { 5, 6 });
        Assert.That(ReadBoth<ArrowFormatException>(bad).Message, Does.Contain("null count"));
    }

    [Test]
    public void ReadBatch_NegativeNodeLength_Throws()
    {
        byte[] bad = Patch(Int64Stream(), new long[] { 5, 0 }, new long[] { -5, 0 });
        ReadBoth<ArrowFormatException>(bad);
    }

    [Test]
    public void ReadBatch_DecreasingOffsets_ThrowsNamingField()
    {
        RecordBatch batch = Batch(("s", Utf8("ab", "cde", "f")));
        byte[] bad = Patch(Write(batch.Schema, [batch]), new[] { 0, 2, 5, 6 }, new[] { 0, 5, 2, 6 });
        Assert.That(ReadBoth<ArrowFormatException>(bad).Message, Does.Contain("'s'").And.Contain("offsets"));
    }

    [Test]
    public void ReadBatch_OffsetsPastData_Throws()
    {
        RecordBatch batch = Batch(("s", Utf8("ab", "cde", "f")));
        byte[] bad = Patch(Write(batch.Schema, [batch]), new[] { 0, 2, 5, 6 }, new[] { 0, 2, 5, 600 });
        ReadBoth<ArrowFormatException>(bad);
    }

    [Test]
    public void ReadBatch_ListOffsetsPastChild_ThrowsNamingField()
    {
        RecordBatch batch = Batch(("l", List(new ListType(Int32Type.Default), Int32(1, 2, 3), [0, 1, 3])));
        byte[] bad = Patch(Write(batch.Schema, [batch]), new[] { 0, 1, 3 }, new[] { 0, 1, 9 });
        Assert.That(ReadBoth<ArrowFormatException>(bad).Message, Does.Contain("'l'").And.Contain("child"));
    }

    [Test]
    public void ReadBatch_LargeOffsetsBeyondInt_Throws()
    {
        RecordBatch batch = Batch(("s", Binary(LargeStringType.Default, [[65, 66], [67]])));
        byte[] bad = Patch(Write(batch.Schema, [batch]), new long[] { 0, 2, 3 }, new long[] { 0, 2, 1L << 40 });
        ReadBoth<ArrowFormatException>(bad);
    }

    [Test]
    public void ReadBatch_DictionaryIndexOutOfRange_ThrowsNamingField()
    {
        var type = new DictionaryType(Int32Type.Default, StringType.Default, false);
        var schema = new Schema([new Field("d", type, true)], null);
        RecordBatch batch = IpcTestData.FromData(schema, [Dictionary(type, Utf8("a", "b"), 1, 0, 1, 1, 0, 1, 0)], 7);
        byte[] bad = Patch(Write(schema, [batch]), new[] { 1, 0, 1, 1, 0, 1, 0 }, new[] { 1, 0, 1, 2, 0, 1, 0 });
        Assert.That(ReadBoth<ArrowFormatException>(bad).Message, Does.Contain("'d'").And.Contain("slot 3"));
    }

    [Test]
    public void ReadBatch_NegativeDictionaryIndex_Throws()
    {
        var type = new DictionaryType(Int32Type.Default, StringType.Default, false);
        var schema = new Schema([new Field("d", type, true)], null);
        RecordBatch batch = IpcTestData.FromData(schema, [Dictionary(type, Utf8("a", "b"), 1, 0, 1, 1, 0, 1, 0)], 7);
        byte[] bad = Patch(Write(schema, [batch]), new[] { 1, 0, 1, 1, 0, 1, 0 }, new[] { 1, 0, 1, -1, 0, 1, 0 });
        ReadBoth<ArrowFormatException>(bad);
    }

    [Test]
    public void ReadBatch_UnknownUnionTypeId_Throws()
    {
        var type = IpcTestData.UnionOf(UnionMode.Dense, [3, 4], new Field("i", Int32Type.Default, true), new Field("j", Int32Type.Default, true));
        var schema = new Schema([new Field("u", type, true)], null);
        RecordBatch batch = IpcTestData.FromData(schema, [Union(type, [3, 4, 4, 3, 3, 4, 3, 4], [0, 0, 1, 1, 2, 2, 3, 3], Int32(1, 2, 3, 4), Int32(5, 6, 7, 8))], 8);
        byte[] bytes = Write(schema, [batch]);
        byte[] badId = Patch(bytes, new sbyte[] { 3, 4, 4, 3, 3, 4, 3, 4 }, new sbyte[] { 3, 4, 4, 3, 5, 4, 3, 4 });
        Assert.That(ReadBoth<ArrowFormatException>(badId).Message, Does.Contain("type id 5"));
        byte[] badOffset = Patch(bytes, new[] { 0, 0, 1, 1, 2, 2, 3, 3 }, new[] { 0, 0, 1, 1, 2, 2, 3, 4 });
        Assert.That(ReadBoth<ArrowFormatException>(badOffset).Message, Does.Contain("dense offset 4"));
    }

    [Test]
    public void ReadSchema_MetadataLargerThanLimit_Throws()
    {
        var e = ReadBoth<ArrowFormatException>(Int64Stream(), new ArrowIpcReaderOptions { MaxMetadataSize = 64 });
        Assert.That(e.Message, Does.Contain("limit"));
    }

    [Test]
    public void ReadSchema_NegativeMetadataLength_Throws()
    {
        byte[] bytes = Int64Stream();
        BitConverter.TryWriteBytes(bytes.AsSpan(4), -12);
        ReadBoth<ArrowFormatException>(bytes);
    }

    [Test]
    public void ReadSchema_EmptyInput_Throws()
    {
        Assert.Throws<ArrowFormatException>(() => _ = new ArrowIpcReader(ReadOnlyMemory<byte>.Empty).Schema);
    }

    [Test]
    public void ReadBatch_HugeBodyLengthOnNonSeekableStream_FailsWithoutAllocatingIt()
    {
        byte[] bytes = Int64Stream();
        int metadataEnd = DictionaryStreamTests.Frames(bytes)[1].Start + 8 + BitConverter.ToInt32(bytes, DictionaryStreamTests.Frames(bytes)[1].Start + 4);
        byte[] bad = Patch(bytes[..metadataEnd], new long[] { 64 }, new long[] { int.MaxValue - 64 });
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ArrowFormatException>(() => Drain(new ArrowIpcReader(new NonSeekableStream(bad))));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(40 << 20));
    }

    [Test]
    public void ReadSchema_NestingDeeperThan64_Throws()
    {
        IArrowType type = Int32Type.Default;
        for (int i = 0; i < 70; i++)
        {
            type = new StructType([new Field("s" + i, type, true)]);
        }

        var schema = new Schema([new Field("deep", type, true)], null);
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteEnd();
        }

        Assert.That(ReadBoth<ArrowFormatException>(stream.ToArray()).Message, Does.Contain("nested deeper than 64"));
    }

    [Test]
    public void ReadBatch_MoreFieldNodesThanSchema_Throws()
    {
        RecordBatch one = Batch(("a", Int64(1, 2)));
        RecordBatch two = Batch(("a", Int64(1, 2)), ("b", Int64(3, 4)));
        byte[] first = Write(one.Schema, [one]);
        byte[] second = Write(two.Schema, [two]);
        var firstFrames = DictionaryStreamTests.Frames(first);
        var secondFrames = DictionaryStreamTests.Frames(second);
        byte[] mixed = [.. first[..firstFrames[1].Start], .. second[secondFrames[1].Start..]];
        Assert.That(ReadBoth<ArrowFormatException>(mixed).Message, Does.Contain("field nodes"));
    }

    [Test]
    public void ReadBatch_BatchBeforeSchema_Throws()
    {
        byte[] bytes = Int64Stream();
        var frames = DictionaryStreamTests.Frames(bytes);
        Assert.That(ReadBoth<ArrowFormatException>(bytes[frames[1].Start..]).Message, Does.Contain("instead of a schema"));
    }

    [TestCase("versions/1.0.0-bigendian/generated_primitive.stream", "endianness:Big")]
    public void Read_UnsupportedFeature_ThrowsNamingIt(string gold, string feature)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(SharedInterop.Root, "gold", gold));
        Assert.That(ReadBoth<UnsupportedArrowFeatureException>(bytes).Feature, Is.EqualTo(feature));
    }

    [Test]
    public void Read_CorruptFlatbuffer_EveryByteFlip_EndsInSuccessOrArrowFormatException()
    {
        byte[] bytes = Write(AllTypesRoundTripTests.EveryType().Schema, [AllTypesRoundTripTests.EveryType()]);
        var random = new Random(42);
        int accepted = 0;
        int rejected = 0;
        const int Trials = 3000;
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            for (int flips = 0; flips < 1 + (trial % 4); flips++)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            try
            {
                using var reader = new ArrowIpcReader(copy);
                foreach (RecordBatch batch in reader.ReadRecordBatches())
                {
                    _ = DataBridge.Cli.Canonical.CanonicalJson.ToJson(batch.Schema, [batch], indented: false);
                }

                accepted++;
            }
            catch (ArrowFormatException)
            {
                rejected++;
            }
        }

        TestContext.Out.WriteLine($"accepted {accepted}, rejected {rejected}");
        Assert.That(accepted + rejected, Is.EqualTo(Trials));
    }
}
