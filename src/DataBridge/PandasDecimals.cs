namespace DataBridge;

/// <summary>
/// How the worker hands decimal columns (decimal32/64/128/256) to pandas in <c>data_manager.fetch_once()</c>
/// (docs/pandas-mapping.md, "Decimals"). Set per run with <see cref="RunContext.PandasDecimals"/>.
/// </summary>
public enum PandasDecimals
{
    /// <summary>
    /// Exact (the default): an <c>object</c> column of Python <c>decimal.Decimal</c> values (None for nulls).
    /// Exact, but built one Python object per value.
    /// </summary>
    Exact = 0,

    /// <summary>
    /// A <c>float64</c> column (NaN for nulls), computed in bulk with numpy. Values with more than 15–17
    /// significant digits are rounded to the nearest double; a result column written back is float64.
    /// </summary>
    Float64 = 1,

    /// <summary>
    /// The unscaled integers (value × 10^scale) as an <c>int64</c> column (<c>Int64</c> when it has nulls),
    /// computed in bulk; each column's scale is in <c>df.attrs["databridge.decimal_scales"]</c>. A value whose
    /// unscaled integer does not fit 64 bits fails the fetch with an error naming the column.
    /// </summary>
    ScaledInt64 = 2,
}
