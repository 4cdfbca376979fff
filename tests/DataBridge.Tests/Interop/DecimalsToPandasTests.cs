using Apache.Arrow.Arrays;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 14 item 8: <see cref="RunContext.PandasDecimals"/> decides how a decimal column reaches pandas in a worker —
/// exact <c>decimal.Decimal</c> objects by default, or float64 / scaled int64 computed in bulk.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class DecimalsToPandasTests
{
    // The worker reports the column's dtype, its values as text, and the recorded scales, as a one-row frame.
    private const string Describe = """
        df = data_manager.fetch_once_as_dataframe()
        import pandas as pd
        data_manager.set_output(pd.DataFrame({
            "dtype": [str(df["d"].dtype)],
            "values": [";".join("null" if pd.isna(v) else repr(v) for v in df["d"])],
            "scales": [repr(df.attrs.get("databridge.decimal_scales"))],
        }))
        """;

    private PythonBridge? _bridge;

    [OneTimeSetUp]
    public void SetUp() => _bridge = new PythonBridge(PythonEnvironment.Options());

    [OneTimeTearDown]
    public async Task TearDown() => await _bridge!.DisposeAsync();

    [TestCase(PandasDecimals.Exact, "object", "Decimal('1.25');null;Decimal('-3.50')", "None")]
    [TestCase(PandasDecimals.Float64, "float64", "1.25;null;-3.5", "None")]
    [TestCase(PandasDecimals.ScaledInt64, "Int64", "125;null;-350", "{'d': 2}")]
    public async Task PandasDecimals_DecidesTheDtypeAndValuesTheWorkerSees(PandasDecimals mode, string dtype, string values, string scales)
    {
        PythonEnvironment.RequirePandas();

        using RunResult result = await _bridge!.RunAsync([DecimalBatch()], Describe, new RunContext { PandasDecimals = mode });

        RecordBatch batch = result.Batches.Single();
        Assert.That(((StringArray)batch.Column("dtype")).GetString(0), Is.EqualTo(dtype));
        Assert.That(((StringArray)batch.Column("values")).GetString(0), Is.EqualTo(values));
        Assert.That(((StringArray)batch.Column("scales")).GetString(0), Is.EqualTo(scales));
    }

    [Test]
    public async Task Float64Mode_ATransformedColumnComesBackAsFloat64_ExactModeKeepsDecimal()
    {
        PythonEnvironment.RequirePandas();
        const string code = """
            df = data_manager.fetch_once_as_dataframe()
            df["d"] = df["d"] * 2
            data_manager.set_output(df)
            """;

        using RunResult asFloat = await _bridge!.RunAsync([DecimalBatch()], code, new RunContext { PandasDecimals = PandasDecimals.Float64 });
        using RunResult exact = await _bridge!.RunAsync([DecimalBatch()], code);

        var doubles = (DoubleArray)asFloat.Batches.Single().Column("d");
        Assert.That((doubles.GetValue(0), doubles.IsNull(1), doubles.GetValue(2)), Is.EqualTo(((double?)2.5, true, (double?)-7.0)));
        var decimals = (FixedSizeBinaryArray)exact.Batches.Single().Column("d");
        Assert.That(decimals.Data.DataType.TypeId, Is.EqualTo(ArrowTypeId.Decimal128));
        Assert.That(decimals.IsNull(1), Is.True);
    }

    [Test]
    public void PandasDecimals_OutOfRange_IsRefusedNamingTheChoices()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RunContext { PandasDecimals = (PandasDecimals)7 })!;

        Assert.That(e.Message, Does.Contain("Exact, Float64 or ScaledInt64"));
    }

    private static RecordBatch DecimalBatch()
    {
        var type = new Decimal128Type(10, 2);
        Decimal128Array d = new Decimal128Array.Builder(type).Append(1.25m).AppendNull().Append(-3.50m).Build();
        return new RecordBatch(new Schema([new Field("d", type, nullable: true)], null), [d], 3);
    }
}
