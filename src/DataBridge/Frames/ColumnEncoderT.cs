namespace DataBridge.Frames;

/// <summary>A <see cref="ColumnEncoder"/> that takes <typeparamref name="T"/> values.</summary>
/// <typeparam name="T">The .NET value type of the column.</typeparam>
internal abstract class ColumnEncoder<T> : ColumnEncoder
{
    protected ColumnEncoder(string name)
        : base(name)
    {
    }

    /// <summary>Appends a value (a null reference appends a null).</summary>
    public abstract void Append(T value);

    /// <summary>Appends values in order; fixed-width encoders copy the span at once.</summary>
    public virtual void AppendRange(ReadOnlySpan<T> values)
    {
        foreach (T value in values)
        {
            Append(value);
        }
    }
}
