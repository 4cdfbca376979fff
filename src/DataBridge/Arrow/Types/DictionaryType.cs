namespace DataBridge.Arrow.Types;

/// <summary>
/// Dictionary-encoded values: integer indices into a dictionary array of <see cref="ValueType"/>.
/// In an IPC stream the dictionary travels in DictionaryBatch messages bound by <see cref="Id"/>.
/// </summary>
public sealed class DictionaryType : ArrowType
{
    /// <summary>Creates the type.</summary>
    /// <param name="indexType">Any integer type (signed recommended).</param>
    /// <param name="valueType">The type of the dictionary values.</param>
    /// <param name="isOrdered">Whether the dictionary order is meaningful.</param>
    /// <param name="id">The dictionary id; fields with the same id share one dictionary. Null lets a writer assign one.</param>
    public DictionaryType(IntType indexType, ArrowType valueType, bool isOrdered = false, long? id = null)
    {
        IndexType = indexType ?? throw new ArgumentNullException(nameof(indexType));
        ValueType = valueType ?? throw new ArgumentNullException(nameof(valueType));
        IsOrdered = isOrdered;
        Id = id;
    }

    /// <summary>The type of the indices.</summary>
    public IntType IndexType { get; }

    /// <summary>The type of the dictionary values.</summary>
    public ArrowType ValueType { get; }

    /// <summary>Whether the dictionary order is meaningful.</summary>
    public bool IsOrdered { get; }

    /// <summary>The dictionary id in an IPC stream, or null when not yet assigned.</summary>
    public long? Id { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Dictionary;

    /// <inheritdoc />
    public override int BitWidth => IndexType.BitWidth;

    /// <inheritdoc />
    public override string Name => $"dictionary<values={ValueType}, indices={IndexType}{(IsOrdered ? ", ordered" : string.Empty)}>";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) =>
        other is DictionaryType t && t.IndexType.Equals(IndexType) && t.ValueType.Equals(ValueType) && t.IsOrdered == IsOrdered && t.Id == Id;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, IndexType, ValueType, IsOrdered);
}
