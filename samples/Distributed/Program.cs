// Distributed DataBridge sample: eight partitions of orders are served by a .NET data server; a Dask
// cluster (started by the Python driver, dask_driver.py) processes them, every task fetching its partition
// from .NET and uploading its result back; the results come back here in partition order.
//
//   dotnet run --project samples/Distributed [path to python3 with pandas and distributed] [tcp://scheduler:8786]
using Apache.Arrow;
using Apache.Arrow.Types;
using DataBridge;
using DataBridge.Servers;

const int Partitions = 8;
const int RowsPerPartition = 10_000;

var options = new PythonBridgeOptions { MaxWorkers = 1 };
if (args.Length > 0)
{
    options.PythonExecutable = args[0];
}

var context = new RunContext { Owner = "samples", GroupId = "distributed" };
if (args.Length > 1)
{
    context["DASK_SCHEDULER"] = args[1];
}

List<RecordBatch> partitions = [.. Enumerable.Range(0, Partitions).Select(p => Orders(p * RowsPerPartition, RowsPerPartition))];
string driver = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "dask_driver.py"));

await using var bridge = new PythonBridge(options);
using DistributedRunResult result = await bridge.RunDistributedAsync(partitions, driver, context);

Console.WriteLine($"{result.RowCount} rows back from {result.Partitions.Count} partitions; {result.DuplicateUploads} duplicate uploads dropped");
Console.WriteLine($"result schema: {string.Join(", ", result.Schema.FieldsList.Select(f => $"{f.Name}: {f.DataType.Name}"))}");
foreach (PartitionResult partition in result.Partitions)
{
    var revenue = (DoubleArray)partition.Batches[0].Column("revenue");
    var orderId = (Int64Array)partition.Batches[0].Column("order_id");
    Console.WriteLine($"partition {partition.Partition}: {partition.Rows} rows, first order {orderId.GetValue(0)} revenue {revenue.GetValue(0):0.00}");
}

foreach (RecordBatch batch in partitions)
{
    batch.Dispose();
}

// Order lines: order_id, quantity (1..20), unit_price (0.5 .. 99.5).
static RecordBatch Orders(int start, int count)
{
    var id = new Int64Array.Builder();
    var quantity = new Int64Array.Builder();
    var price = new DoubleArray.Builder();
    for (int i = start; i < start + count; i++)
    {
        id.Append(i);
        quantity.Append(1 + (i % 20));
        price.Append(0.5 + (i * 7 % 100));
    }

    var schema = new Schema(
    [
        new Field("order_id", Int64Type.Default, true),
        new Field("quantity", Int64Type.Default, true),
        new Field("unit_price", DoubleType.Default, true),
    ], null);
    return new RecordBatch(schema, [id.Build(), quantity.Build(), price.Build()], count);
}
