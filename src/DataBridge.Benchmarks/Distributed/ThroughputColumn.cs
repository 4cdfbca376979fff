using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DataBridge.Benchmarks.Distributed;

/// <summary>A column of <c>amount / mean time</c>: partitions per second, megabytes per second.</summary>
/// <param name="name">The column's header, e.g. <c>MB/s</c>.</param>
/// <param name="amountPerOperation">What one operation moves, in the column's unit.</param>
/// <param name="legend">What the column means.</param>
internal sealed class ThroughputColumn(string name, double amountPerOperation, string legend) : IColumn
{
    public string Id => nameof(ThroughputColumn) + "." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
            ? (amountPerOperation / (statistics.Mean / 1e9)).ToString("F1", CultureInfo.InvariantCulture)
            : "NA";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
