using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class DictionaryArrayTests
{
    [Test]
    public void Builder_DeduplicatesStrings()
    {
        var type = new DictionaryType(IntType.Int8, Utf8Type.Default);
        DictionaryArray array = new DictionaryArray.Builder(type).Append("a").Append("b").Append("a").Append((string?)null).Append("b").Build();
        var dictionary = (StringArray)array.Dictionary;
        Assert.Multiple(() =>
        {
            Assert.That(dictionary.Length, Is.EqualTo(2));
            Assert.That(dictionary.GetString(0), Is.EqualTo("a"));
            Assert.That(((Int8Array)array.Indices).Values.ToArray(), Is.EqualTo(new sbyte[] { 0, 1, 0, 0, 1 }));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.IsNull(3), Is.True);
            Assert.That(array.GetIndex(4), Is.EqualTo(1));
            Assert.That(dictionary.GetString(array.GetDictionaryIndex(2)), Is.EqualTo("a"));
        });
    }

    [TestCase(8, true)]
    [TestCase(16, false)]
    [TestCase(32, true)]
    [TestCase(64, false)]
    public void Builder_IndexTypeOfChoice(int bitWidth, bool signed)
    {
        var type = new DictionaryType(IntType.Get(bitWidth, signed), IntType.Int64);
        DictionaryArray array = new DictionaryArray.Builder(type).Append(10L).Append(20L).Append(10L).Build();
        var slice = (DictionaryArray)array.Slice(1, 2);
        Assert.Multiple(() =>
        {
            Assert.That(array.Data.Buffers[1].Length, Is.EqualTo(3 * bitWidth / 8));
            Assert.That(array.Indices.Type, Is.EqualTo(IntType.Get(bitWidth, signed)));
            Assert.That(array.GetIndex(2), Is.Zero);
            Assert.That(slice.GetIndex(0), Is.EqualTo(1));
            Assert.That(((Int64Array)slice.Dictionary).GetValue((int)slice.GetIndex(0)), Is.EqualTo(20));
        });
    }

    [Test]
    public void Builder_IndexTypeFull_ThrowsOverflowAndKeepsState()
    {
        var builder = new DictionaryArray.Builder(new DictionaryType(IntType.Int8, IntType.Int32));
        for (int i = 0; i < 128; i++)
        {
            builder.Append(i);
        }

        Assert.Multiple(() =>
        {
            Assert.That(() => builder.Append(1000), Throws.TypeOf<OverflowException>());
            Assert.That(() => builder.Append(5), Throws.Nothing);
        });
        DictionaryArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(129));
            Assert.That(array.Dictionary.Length, Is.EqualTo(128));
        });
    }

    [Test]
    public void AppendFrom_EncodedSource_DecodesAndReencodes()
    {
        var type = new DictionaryType(IntType.Int32, Utf8Type.Default);
        DictionaryArray source = new DictionaryArray.Builder(type).Append("x").Append("y").AppendNull().Append("x").Build();
        var builder = new DictionaryArray.Builder(new DictionaryType(IntType.Int16, Utf8Type.Default));
        for (int i = source.Length - 1; i >= 0; i--)
        {
            builder.AppendFrom(source, i);
        }

        DictionaryArray copy = builder.Build();
        var dictionary = (StringArray)copy.Dictionary;
        Assert.Multiple(() =>
        {
            Assert.That(dictionary.Length, Is.EqualTo(2));
            Assert.That(dictionary.GetString(0), Is.EqualTo("x"));
            Assert.That(copy.IsNull(1), Is.True);
            Assert.That(dictionary.GetString((int)copy.GetIndex(2)), Is.EqualTo("y"));
        });
    }

    [Test]
    public void AppendFrom_NestedValues_Deduplicates()
    {
        var valueType = new StructType([new Field("a", IntType.Int32), new Field("b", Utf8Type.Default)]);
        var structs = new StructArray.Builder(valueType);
        foreach ((int a, string? b) in new[] { (1, "p"), (1, (string?)null), (1, "p"), (2, "p") })
        {
            structs.GetFieldBuilder<Int32Array.Builder>(0).Append(a);
            structs.GetFieldBuilder<StringArray.Builder>(1).Append(b);
            structs.Append();
        }

        StructArray values = structs.Build();
        var builder = new DictionaryArray.Builder(new DictionaryType(IntType.Int32, valueType));
        for (int i = 0; i < values.Length; i++)
        {
            builder.AppendFrom(values, i);
        }

        DictionaryArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Dictionary.Length, Is.EqualTo(3));
            Assert.That(((Int32Array)array.Indices).Values.ToArray(), Is.EqualTo(new[] { 0, 1, 0, 2 }));
        });
    }

    [Test]
    public void Constructor_WithoutDictionary_ThrowsArgumentException()
    {
        var data = new ArrayData(new DictionaryType(IntType.Int32, Utf8Type.Default), 0, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.Empty]);
        Assert.That(() => new DictionaryArray(data), Throws.ArgumentException);
    }
}
