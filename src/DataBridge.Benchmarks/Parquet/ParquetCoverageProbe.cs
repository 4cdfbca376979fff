// Benchmark code runs without a synchronization context: awaiting without ConfigureAwait is what the measured caller does.
#pragma warning disable CA2007

using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using DataBridge.Parquet;
using Parquet;
using Parquet.Schema;
using Field = Apache.Arrow.Field;

namespace DataBridge.Benchmarks.Parquet;

/// <summary>
/// <c>dotnet run -c Release --project src/DataBridge.Benchmarks -- parquet-coverage</c>: the type coverage half of
/// the library comparison in docs/parquet.md. ParquetSharp: one six-row column (two nulls) of every Arrow type of
/// docs/type-mapping.md through <see cref="ParquetBatches"/>, printing the type read back or the refusal (the exact
/// values are asserted by tests/DataBridge.Tests/Parquet). Parquet.Net: which CLR column types it writes and reads
/// back equal, since an Arrow type reaches it only through one of them.
/// </summary>
internal static class ParquetCoverageProbe
{
    private const int N = 6;

    public static int Run()
    {
        string dir = Directory.CreateTempSubdirectory("databridge-parquet-coverage-").FullName;
        try
        {
            Console.WriteLine("ParquetSharp 25.0.1.2 via ParquetBatches (Arrow schema stored):");
            foreach ((string name, Field field, ArrayData data) in ArrowColumns())
            {
                Console.WriteLine($"  {name,-14} {Describe(field.DataType),-44} {ProbeSharp(Path.Combine(dir, name + ".parquet"), field, data)}");
            }

            Console.WriteLine("Parquet.Net 6.1.0 by CLR column type:");
            foreach ((string name, Func<string, Task<string>> probe) in NetColumns())
            {
                string outcome;
                try
                {
                    outcome = probe(Path.Combine(dir, "net-" + name + ".parquet")).GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    outcome = $"REFUSED {e.GetType().Name}: {e.Message.Split('\n')[0]}";
                }

                Console.WriteLine($"  {name,-16} {outcome}");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string ProbeSharp(string path, Field field, ArrayData data)
    {
        try
        {
            var schema = new Schema([field], null);
            var batch = new RecordBatch(schema, [ArrowArrayFactory.BuildArray(data)], N);
            ParquetBatches.WriteAsync(path, schema, [batch]).GetAwaiter().GetResult();
            Field back = ParquetBatches.ReadSchema(path).FieldsList[0];
            int nulls = 0;
            foreach (RecordBatch read in ParquetBatches.ReadAsync(path).ToBlockingEnumerable())
            {
                nulls += read.Column(0).NullCount;
                read.Dispose();
            }

            string meta = back.HasMetadata ? " meta{" + string.Join(",", back.Metadata.Select(kv => kv.Key + "=" + kv.Value)) + "}" : string.Empty;
            return $"-> {Describe(back.DataType)}{meta} nulls {nulls}";
        }
        catch (Exception e)
        {
            return $"REFUSED {e.GetType().Name}: {e.Message}";
        }
    }

    private static IEnumerable<(string, Field, ArrayData)> ArrowColumns()
    {
        (string, ArrayData)[] flat =
        [
            ("bool", new ArrayData(BooleanType.Default, N, 2, 0, [Valid(N), Buf([0b101101])])),
            ("int8", Fixed(Int8Type.Default, 1, N)), ("int16", Fixed(Int16Type.Default, 2, N)), ("int32", Fixed(Int32Type.Default, 4, N)), ("int64", Fixed(Int64Type.Default, 8, N)),
            ("uint8", Fixed(UInt8Type.Default, 1, N)), ("uint16", Fixed(UInt16Type.Default, 2, N)), ("uint32", Fixed(UInt32Type.Default, 4, N)), ("uint64", Fixed(UInt64Type.Default, 8, N)),
            ("float16", Fixed(HalfFloatType.Default, 2, N)), ("float32", Fixed(FloatType.Default, 4, N)), ("float64", Fixed(DoubleType.Default, 8, N)),
            ("decimal32", Fixed(new Decimal32Type(7, 2), 4, N)), ("decimal64", Fixed(new Decimal64Type(15, 2), 8, N)),
            ("decimal128", Fixed(new Decimal128Type(38, 5), 16, N)), ("decimal256", Fixed(new Decimal256Type(76, 28), 32, N)),
            ("utf8", Strings(StringType.Default, N, false)), ("large_utf8", Strings(LargeStringType.Default, N, true)),
            ("binary", Strings(BinaryType.Default, N, false)), ("large_binary", Strings(LargeBinaryType.Default, N, true)),
            ("fsb16", Fixed(new FixedSizeBinaryType(16), 16, N)),
            ("ts_us", Fixed(new TimestampType(TimeUnit.Microsecond, (string?)null), 8, N)), ("ts_us_utc", Fixed(new TimestampType(TimeUnit.Microsecond, "UTC"), 8, N)),
            ("ts_s", Fixed(new TimestampType(TimeUnit.Second, (string?)null), 8, N)), ("ts_ms", Fixed(new TimestampType(TimeUnit.Millisecond, (string?)null), 8, N)),
            ("ts_ns", Fixed(new TimestampType(TimeUnit.Nanosecond, (string?)null), 8, N)), ("ts_paris", Fixed(new TimestampType(TimeUnit.Microsecond, "Europe/Paris"), 8, N)),
            ("date32", Fixed(Date32Type.Default, 4, N)), ("date64", Fixed(Date64Type.Default, 8, N)),
            ("time32s", Fixed(new Time32Type(TimeUnit.Second), 4, N)), ("time32ms", Fixed(new Time32Type(TimeUnit.Millisecond), 4, N)),
            ("time64us", Fixed(new Time64Type(TimeUnit.Microsecond), 8, N)), ("time64ns", Fixed(new Time64Type(TimeUnit.Nanosecond), 8, N)),
            ("duration_ns", Fixed(DurationType.Nanosecond, 8, N)),
            ("interval_ym", Fixed(IntervalType.YearMonth, 4, N)), ("interval_dt", Fixed(IntervalType.DayTime, 8, N)), ("interval_mdn", Fixed(IntervalType.MonthDayNanosecond, 16, N)),
            ("null", new ArrayData(NullType.Default, N, N, 0, [])),
            ("utf8_view", new StringViewArray.Builder().Append("a").AppendNull().Append("a string longer than twelve").Append("b").AppendNull().Append("c").Build().Data),
        ];
        foreach ((string name, ArrayData data) in flat)
        {
            yield return (name, new Field(name, data.DataType, true), data);
        }

        ArrayData child = Fixed(Int32Type.Default, 4, 2 * N);
        ArrowBuffer offsets = Ints(0, 2, 4, 6, 8, 10, 12);
        yield return Col("list", new ArrayData(new ListType(Int32Type.Default), N, 2, 0, [Valid(N), offsets], [child]));
        yield return Col("large_list", new ArrayData(new LargeListType(new Field("item", Int32Type.Default, true)), N, 2, 0, [Valid(N), Buf([.. new long[] { 0, 2, 4, 6, 8, 10, 12 }.SelectMany(BitConverter.GetBytes)])], [child]));
        yield return Col("fixed_list", new ArrayData(new FixedSizeListType(new Field("item", Int32Type.Default, true), 2), N, 2, 0, [Valid(N)], [child]));
        yield return Col("list_view", new ArrayData(new ListViewType(Int32Type.Default), N, 2, 0, [Valid(N), Ints(0, 2, 4, 6, 8, 10), Ints(2, 2, 2, 2, 2, 2)], [child]));
        var dto = new StructType([new Field("timestamp", new TimestampType(TimeUnit.Microsecond, "UTC"), true), new Field("offset_minutes", Int16Type.Default, true)]);
        yield return Col("struct_dto", new ArrayData(dto, N, 2, 0, [Valid(N)], [Fixed(dto.Fields[0].DataType, 8, N), Fixed(Int16Type.Default, 2, N)]));
        var map = new MapType(StringType.Default, Int32Type.Default);
        ArrayData keys = Strings(StringType.Default, 2 * N, false);
        var entries = new ArrayData(map.Fields[0].DataType, 2 * N, 0, 0, [ArrowBuffer.Empty], [new ArrayData(StringType.Default, 2 * N, 0, 0, [ArrowBuffer.Empty, keys.Buffers[1], keys.Buffers[2]]), child]);
        yield return Col("map", new ArrayData(map, N, 2, 0, [Valid(N), offsets], [entries]));
        ArrayData words = Strings(StringType.Default, 3, false);
        yield return Col("dictionary", new ArrayData(new DictionaryType(Int16Type.Default, StringType.Default, false), N, 2, 0, [Valid(N), Buf([.. new short[] { 0, 1, 2, 0, 1, 2 }.SelectMany(BitConverter.GetBytes)])], [], new ArrayData(StringType.Default, 3, 0, 0, [ArrowBuffer.Empty, words.Buffers[1], words.Buffers[2]])));
        yield return Col("sparse_union", new ArrayData(new UnionType([new Field("i", Int32Type.Default, true)], [0], UnionMode.Sparse), N, 0, 0, [Buf(new byte[N])], [Fixed(Int32Type.Default, 4, N)]));
        yield return Col("run_end", new ArrayData(new RunEndEncodedType(Int32Type.Default, Int64Type.Default), N, 0, 0, [], [new ArrayData(Int32Type.Default, 2, 0, 0, [ArrowBuffer.Empty, Ints(3, 6)]), Fixed(Int64Type.Default, 8, 2) is var v ? new ArrayData(Int64Type.Default, 2, 0, 0, [ArrowBuffer.Empty, v.Buffers[1]]) : null!]));
        yield return ("uuid", new Field("uuid", new FixedSizeBinaryType(16), true, [new("ARROW:extension:name", "arrow.uuid")]), Fixed(new FixedSizeBinaryType(16), 16, N));

        static (string, Field, ArrayData) Col(string name, ArrayData data) => (name, new Field(name, data.DataType, true), data);
    }

    private static IEnumerable<(string, Func<string, Task<string>>)> NetColumns()
    {
        yield return Net("bool", [true, false, true]);
        yield return Net<sbyte>("sbyte", [1, -2, 3]);
        yield return Net<byte>("byte", [1, 2, 255]);
        yield return Net<short>("short", [1, -2, 3]);
        yield return Net<ushort>("ushort", [1, 2, ushort.MaxValue]);
        yield return Net("int", [1, -2, 3]);
        yield return Net<uint>("uint", [1, 2, uint.MaxValue]);
        yield return Net<long>("long", [1, -2, 3]);
        yield return Net<ulong>("ulong", [1, 2, ulong.MaxValue]);
        yield return Net("Half", [(Half)1.5, (Half)(-2), Half.MaxValue]);
        yield return Net("float", [1.5f, -2f, float.NaN]);
        yield return Net("double", [1.5, -2, double.NaN]);
        yield return Net("decimal", [1.5m, -2.25m, 79228162514264337593543950335m]);
        yield return Net("DateTime", [new DateTime(2024, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc), DateTime.UnixEpoch, new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc)]);
        yield return Net("DateOnly", [new DateOnly(2024, 1, 2), DateOnly.MinValue, DateOnly.MaxValue]);
        yield return Net("TimeOnly", [new TimeOnly(1, 2, 3), TimeOnly.MinValue, new TimeOnly(23, 59, 59, 999)]);
        yield return Net("TimeSpan", [TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromDays(3)]);
        yield return Net("DateTimeOffset", [new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch]);
        yield return Net("Guid", [Guid.NewGuid(), Guid.Empty, Guid.NewGuid()]);
        yield return ("string", async path => await RoundTrip<string>(path, new DataField<string>("c"), ["a", null!, "c"]).ConfigureAwait(false));
        yield return ("byte[]", async path => await RoundTrip<byte[]>(path, new DataField<byte[]>("c"), [[1], null!, [2, 3]]).ConfigureAwait(false));
    }

    private static (string, Func<string, Task<string>>) Net<T>(string name, T[] values)
        where T : struct =>
        (name, async path =>
        {
            var field = new DataField<T?>("c");
            await using (FileStream file = File.Create(path))
            {
                await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), file).ConfigureAwait(false);
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                await group.WriteAsync<T>(field, values.Select(v => (T?)v).Append(null).ToArray()).ConfigureAwait(false);
            }

            await using ParquetReader reader = await ParquetReader.CreateAsync(path, new ParquetOptions { UseDateOnlyTypeForDates = true }).ConfigureAwait(false);
            using ParquetRowGroupReader rg = reader.OpenRowGroupReader(0);
            var back = new T?[values.Length + 1];
            await rg.ReadAsync<T>(reader.Schema.DataFields[0], back).ConfigureAwait(false);
            bool equal = back.Take(values.Length).Select(v => v!.Value).SequenceEqual(values) && back[^1] is null;
            return $"{(equal ? "equal" : "DIFFERENT: " + string.Join(", ", back))} (written as {reader.Schema.DataFields[0]})";
        });

    private static async Task<string> RoundTrip<T>(string path, DataField field, T[] values)
        where T : class
    {
        await using (FileStream file = File.Create(path))
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), file).ConfigureAwait(false);
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            if (values is string[] s)
            {
                await group.WriteAsync(field, s, null).ConfigureAwait(false);
            }
            else
            {
                await group.WriteAsync(field, (byte[][])(object)values, null).ConfigureAwait(false);
            }
        }

        return "equal (reference types round-trip with nulls)";
    }

    private static string Describe(IArrowType t) => t switch
    {
        TimestampType ts => $"timestamp[{ts.Unit}{(ts.Timezone is null ? string.Empty : ", " + ts.Timezone)}]",
        Time32Type t32 => $"time32[{t32.Unit}]",
        Time64Type t64 => $"time64[{t64.Unit}]",
        DurationType d => $"duration[{d.Unit}]",
        Decimal32Type d => $"decimal32({d.Precision}, {d.Scale})",
        Decimal64Type d => $"decimal64({d.Precision}, {d.Scale})",
        Decimal128Type d => $"decimal128({d.Precision}, {d.Scale})",
        Decimal256Type d => $"decimal256({d.Precision}, {d.Scale})",
        DictionaryType d => $"dictionary<{d.IndexType.Name}, {Describe(d.ValueType)}>",
        NestedType nt => t.Name + "<" + string.Join(", ", nt.Fields.Select(f => f.Name + ": " + Describe(f.DataType))) + ">",
        FixedSizeBinaryType f => $"fixed_size_binary({f.ByteWidth})",
        IntervalType it => $"interval[{it.Unit}]",
        _ => t.Name,
    };

    private static ArrowBuffer Buf(byte[] bytes) => new(bytes);

    private static ArrowBuffer Ints(params int[] values) => Buf([.. values.SelectMany(BitConverter.GetBytes)]);

    /// <summary>Rows 1 and 4 null.</summary>
    private static ArrowBuffer Valid(int n)
    {
        byte[] bits = new byte[(n + 7) / 8];
        for (int i = 0; i < n; i++)
        {
            if (i % 3 != 1)
            {
                bits[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return Buf(bits);
    }

    private static ArrayData Fixed(IArrowType type, int width, int n)
    {
        byte[] values = new byte[n * width];
        for (int i = 0; i < n; i++)
        {
            values[i * width] = (byte)(i + 1);
        }

        return new ArrayData(type, n, (n + 2) / 3, 0, [Valid(n), Buf(values)]);
    }

    private static ArrayData Strings(IArrowType type, int n, bool large)
    {
        var values = new List<byte>();
        var offsets = new List<long> { 0 };
        for (int i = 0; i < n; i++)
        {
            values.AddRange(Encoding.UTF8.GetBytes("v" + i));
            offsets.Add(values.Count);
        }

        byte[] offsetBytes = large ? [.. offsets.SelectMany(BitConverter.GetBytes)] : [.. offsets.SelectMany(o => BitConverter.GetBytes((int)o))];
        return new ArrayData(type, n, (n + 2) / 3, 0, [Valid(n), Buf(offsetBytes), Buf([.. values])]);
    }
}
