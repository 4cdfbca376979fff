using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CsvHelper;

namespace DataBridge.Benchmarks.Frames;

/// <summary>
/// Issue 5, acceptance 4: a 1M-row ArrowFrame from POCOs against filling a plain <see cref="List{T}"/>, and a
/// 1M-row CSV load (our parser, types inferred) against a CsvHelper read loop over the same file (typed
/// records, and typed fields into column lists), all in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public partial class ArrowFrameBenchmarks
{
    private Row[] _rows = null!;
    private string _csvPath = null!;

    /// <summary>Rows of the POCO source and of the CSV file.</summary>
    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rows = new Row[Rows];
        var day = new DateOnly(2024, 1, 1);
        for (int i = 0; i < Rows; i++)
        {
            _rows[i] = new Row
            {
                Id = i,
                Name = i % 10 == 0 ? $"customer, \"{i % 9973}\"" : "customer " + (i % 9973).ToString(CultureInfo.InvariantCulture),
                Price = (i % 100_000) / 100.0,
                Qty = i % 50,
                Day = day.AddDays(i % 365),
                Flag = i % 2 == 0,
                Discount = i % 7 == 0 ? null : (i % 5) / 10.0,
            };
        }

        _csvPath = Path.Combine(Path.GetTempPath(), $"databridge-bench-{Environment.ProcessId}.csv");
        ArrowFrame.FromRecords(_rows).SaveCsv(_csvPath);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_csvPath);

    [Benchmark(Baseline = true, Description = "List<T> fill loop")]
    [BenchmarkCategory("FromRecords")]
    public int ListFill()
    {
        var list = new List<Row>();
        foreach (Row row in _rows)
        {
            list.Add(row);
        }

        return list.Count;
    }

    [Benchmark(Description = "ArrowFrame.FromRecords")]
    [BenchmarkCategory("FromRecords")]
    public long FromRecords() => ArrowFrame.FromRecords(_rows).RowCount;

    [Benchmark(Description = "ArrowFrame.ToRecords (to a List)")]
    [BenchmarkCategory("FromRecords")]
    public int ToRecords() => ArrowFrame.FromRecords(_rows).ToRecords<Row>().ToList().Count;

    [Benchmark(Baseline = true, Description = "CsvHelper read loop, typed fields into column lists")]
    [BenchmarkCategory("Csv")]
    public int CsvHelperFields()
    {
        using CsvReader csv = CsvReader.FromFile(_csvPath, new CsvReaderOptions { Separator = ',' });
        var ids = new List<long>();
        var names = new List<string?>();
        var prices = new List<double>();
        var qtys = new List<int>();
        var days = new List<DateOnly>();
        var flags = new List<bool>();
        var discounts = new List<double?>();
        while (csv.Read())
        {
            ids.Add(csv.Parse<long>(0));
            names.Add(csv.IsNull(1) ? null : csv.GetString(1));
            prices.Add(csv.Parse<double>(2));
            qtys.Add(csv.Parse<int>(3));
            days.Add(csv.Parse<DateOnly>(4));
            flags.Add(csv.Parse<bool>(5));
            discounts.Add(csv.IsNull(6) ? null : csv.Parse<double>(6));
        }

        return ids.Count;
    }

    [Benchmark(Description = "CsvHelper GetRecords<T> (source-generated mapping)")]
    [BenchmarkCategory("Csv")]
    public int CsvHelperRecords()
    {
        using CsvReader csv = CsvReader.FromFile(_csvPath, new CsvReaderOptions { Separator = ',' });
        return csv.GetRecords<CsvRow>().Count();
    }

    [Benchmark(Description = "ArrowFrame.LoadCsv (inferred types)")]
    [BenchmarkCategory("Csv")]
    public long LoadCsv() => ArrowFrame.LoadCsv(_csvPath).RowCount;

    /// <summary>The CSV record for CsvHelper's generated mapper.</summary>
    [CsvRecord]
    public sealed partial class CsvRow
    {
        public long Id { get; set; }

        public string? Name { get; set; }

        public double Price { get; set; }

        public int Qty { get; set; }

        public DateOnly Day { get; set; }

        public bool Flag { get; set; }

        public double? Discount { get; set; }
    }

    /// <summary>The benchmark record.</summary>
    public sealed class Row
    {
        public long Id { get; set; }

        public string? Name { get; set; }

        public double Price { get; set; }

        public int Qty { get; set; }

        public DateOnly Day { get; set; }

        public bool Flag { get; set; }

        public double? Discount { get; set; }
    }
}
