namespace DataBridge.Arrow;

/// <summary>Maps array data to its typed array class.</summary>
internal static class ArrowArrayFactory
{
    public static ArrowArray Create(ArrayData data) => new GenericArray(data);

    /// <summary>Fallback view for types that have no typed class yet.</summary>
    private sealed class GenericArray(ArrayData data) : ArrowArray(data);
}
