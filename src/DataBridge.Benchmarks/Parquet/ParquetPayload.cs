using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace DataBridge.Benchmarks.Parquet;

/// <summary>
/// The 1M-row mixed table of issue 14 item 4: int64, float64 with 10 % nulls, utf8, bool, timestamp[us],
/// decimal128(18, 2), date32, as batches of 65,536 rows (how a stream of batches arrives).
/// </summary>
internal static class ParquetPayload
{
    public const int BatchRows = 65_536;

    public static readonly TimestampType Timestamp = new(TimeUnit.Microsecond, (string?)null);
    public static readonly Decimal128Type Price = new(18, 2);

    public static Schema Schema { get; } = new Schema.Builder()
        .Field(f => f.Name("id").DataType(Int64Type.Default).Nullable(false))
        .Field(f => f.Name("amount").DataType(DoubleType.Default).Nullable(true))
        .Field(f => f.Name("name").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("flag").DataType(BooleanType.Default).Nullable(false))
        .Field(f => f.Name("ts").DataType(Timestamp).Nullable(false))
        .Field(f => f.Name("price").DataType(Price).Nullable(false))
        .Field(f => f.Name("day").DataType(Date32Type.Default).Nullable(false))
        .Build();

    public static List<RecordBatch> Build(int rows)
    {
        var batches = new List<RecordBatch>();
        long t0 = 1_700_000_000_000_000;
        var day0 = new DateOnly(2024, 1, 1);
        for (int start = 0; start < rows; start += BatchRows)
        {
            int n = Math.Min(BatchRows, rows - start);
            var id = new Int64Array.Builder();
            var amount = new DoubleArray.Builder();
            var name = new StringArray.Builder();
            var flag = new BooleanArray.Builder();
            var ts = new TimestampArray.Builder(Timestamp);
            var price = new Decimal128Array.Builder(Price);
            var day = new Date32Array.Builder();
            var text = new StringBuilder();
            for (int j = 0; j < n; j++)
            {
                int i = start + j;
                id.Append(i);
                if (i % 10 == 3)
                {
                    amount.AppendNull();
                }
                else
                {
                    amount.Append(i * 0.25);
                }

                text.Clear().Append("customer ").Append(i % 50_000);
                name.Append(text.ToString());
                flag.Append(i % 3 == 0);
                ts.Append(DateTimeOffset.FromUnixTimeMilliseconds((t0 / 1000) + i));
                price.Append((i % 100_000) / 100m);
                day.Append(day0.AddDays(i % 3650));
            }

            batches.Add(new RecordBatch(Schema, [id.Build(), amount.Build(), name.Build(), flag.Build(), ts.Build(), price.Build(), day.Build()], n));
        }

        return batches;
    }
}
