// Benchmark code runs without a synchronization context: awaiting without ConfigureAwait is what the measured caller does.
#pragma warning disable CA2007

using Apache.Arrow;
using Apache.Arrow.Types;
using Parquet;
using Parquet.Schema;

namespace DataBridge.Benchmarks.Parquet;

/// <summary>
/// What DataBridge would have to write if it took Parquet.Net 6.1.0, which has no Arrow API: the payload's Arrow
/// arrays to Parquet.Net's CLR columns (one row group per batch) and back to Arrow arrays through the builders.
/// </summary>
internal static class ParquetNetCodec
{
    private static readonly DataField Id = new DataField<long>("id", false);
    private static readonly DataField Amount = new DataField<double?>("amount");
    private static readonly DataField Name = new DataField<string>("name");
    private static readonly DataField Flag = new DataField<bool>("flag", false);
    private static readonly DataField Ts = new DateTimeDataField("ts", DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros, isNullable: false);
    private static readonly DataField Price = new DecimalDataField("price", 18, 2, isNullable: false);
    private static readonly DataField Day = new DataField<DateOnly>("day", false);
    private static readonly ParquetSchema Schema = new(Id, Amount, Name, Flag, Ts, Price, Day);

    public static async Task WriteAsync(string path, IEnumerable<RecordBatch> batches)
    {
        await using FileStream file = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(Schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
        foreach (RecordBatch batch in batches)
        {
            int n = batch.Length;
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync<long>(Id, ((Int64Array)batch.Column(0)).Values.ToArray());

            var amount = (DoubleArray)batch.Column(1);
            var amounts = new double?[n];
            for (int i = 0; i < n; i++)
            {
                amounts[i] = amount.GetValue(i);
            }

            await group.WriteAsync<double>(Amount, amounts);

            var name = (StringArray)batch.Column(2);
            var names = new string[n];
            for (int i = 0; i < n; i++)
            {
                names[i] = name.GetString(i);
            }

            await group.WriteAsync(Name, names, null);

            var flag = (BooleanArray)batch.Column(3);
            var flags = new bool[n];
            for (int i = 0; i < n; i++)
            {
                flags[i] = flag.GetValue(i)!.Value;
            }

            await group.WriteAsync<bool>(Flag, flags);

            ReadOnlySpan<long> micros = ((TimestampArray)batch.Column(4)).Values;
            var times = new DateTime[n];
            for (int i = 0; i < n; i++)
            {
                times[i] = DateTime.UnixEpoch.AddTicks(micros[i] * 10);
            }

            await group.WriteAsync<DateTime>(Ts, times);

            var price = (Decimal128Array)batch.Column(5);
            var prices = new decimal[n];
            for (int i = 0; i < n; i++)
            {
                prices[i] = price.GetValue(i)!.Value;
            }

            await group.WriteAsync<decimal>(Price, prices);

            var day = (Date32Array)batch.Column(6);
            var days = new DateOnly[n];
            for (int i = 0; i < n; i++)
            {
                days[i] = day.GetDateOnly(i)!.Value;
            }

            await group.WriteAsync<DateOnly>(Day, days);
        }
    }

    public static async Task<long> ReadAsync(string path)
    {
        long rows = 0;
        await using ParquetReader reader = await ParquetReader.CreateAsync(path, new ParquetOptions { UseDateOnlyTypeForDates = true });
        DataField[] fields = reader.Schema.DataFields;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);

            var ids = new long[n];
            await group.ReadAsync<long>(fields[0], ids);
            var amounts = new double?[n];
            await group.ReadAsync<double>(fields[1], amounts);
            var names = new string[n];
            await group.ReadAsync(fields[2], names);
            var flags = new bool[n];
            await group.ReadAsync<bool>(fields[3], flags);
            var times = new DateTime[n];
            await group.ReadAsync<DateTime>(fields[4], times);
            var prices = new decimal[n];
            await group.ReadAsync<decimal>(fields[5], prices);
            var days = new DateOnly[n];
            await group.ReadAsync<DateOnly>(fields[6], days);

            var amount = new DoubleArray.Builder();
            var name = new StringArray.Builder();
            var flag = new BooleanArray.Builder();
            var ts = new TimestampArray.Builder(ParquetPayload.Timestamp);
            var price = new Decimal128Array.Builder(ParquetPayload.Price);
            var day = new Date32Array.Builder();
            for (int i = 0; i < n; i++)
            {
                if (amounts[i] is double a)
                {
                    amount.Append(a);
                }
                else
                {
                    amount.AppendNull();
                }

                name.Append(names[i]);
                flag.Append(flags[i]);
                ts.Append(new DateTimeOffset(times[i].Ticks, TimeSpan.Zero));
                price.Append(prices[i]);
                day.Append(days[i]);
            }

            using var batch = new RecordBatch(
                ParquetPayload.Schema,
                [new Int64Array.Builder().AppendRange(ids).Build(), amount.Build(), name.Build(), flag.Build(), ts.Build(), price.Build(), day.Build()],
                n);
            rows += batch.Length;
        }

        return rows;
    }
}
