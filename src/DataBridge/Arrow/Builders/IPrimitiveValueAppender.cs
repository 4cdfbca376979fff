namespace DataBridge.Arrow;

/// <summary>Builders that accept a fixed-width value of type <typeparamref name="T"/>, used by dictionary builders.</summary>
/// <typeparam name="T">The stored value type.</typeparam>
internal interface IPrimitiveValueAppender<in T>
    where T : unmanaged
{
    /// <summary>Appends <paramref name="value"/> as one element.</summary>
    void AppendValue(T value);
}
