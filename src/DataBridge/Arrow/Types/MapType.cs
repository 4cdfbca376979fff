namespace DataBridge.Arrow.Types;

/// <summary>
/// A list of key/value entries. Physically a list whose child is a non-nullable struct
/// (<c>entries</c>) of a non-nullable <c>key</c> field and a <c>value</c> field.
/// </summary>
public sealed class MapType : ArrowType
{
    /// <summary>Creates the type from its entries field (a struct of two children: key, value).</summary>
    /// <exception cref="ArgumentException">The entries field is not a struct of exactly two children.</exception>
    public MapType(Field entriesField, bool keysSorted = false)
    {
        ArgumentNullException.ThrowIfNull(entriesField);
        if (entriesField.DataType is not StructType s || s.Fields.Count != 2)
        {
            throw new ArgumentException("A map's entries field must be a struct with exactly two children (key, value).", nameof(entriesField));
        }

        EntriesField = entriesField;
        KeysSorted = keysSorted;
    }

    /// <summary>Creates a map with the conventional names <c>entries</c>, <c>key</c> and <c>value</c>.</summary>
    public MapType(ArrowType keyType, ArrowType valueType, bool valuesNullable = true, bool keysSorted = false)
        : this(new Field("entries", new StructType([new Field("key", keyType, false), new Field("value", valueType, valuesNullable)]), false), keysSorted)
    {
    }

    /// <summary>The entries struct field.</summary>
    public Field EntriesField { get; }

    /// <summary>The key field.</summary>
    public Field KeyField => ((StructType)EntriesField.DataType).Fields[0];

    /// <summary>The value field.</summary>
    public Field ValueField => ((StructType)EntriesField.DataType).Fields[1];

    /// <summary>Whether keys are sorted within each map.</summary>
    public bool KeysSorted { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => [EntriesField];

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Map;

    /// <inheritdoc />
    public override string Name => $"map<{KeyField.DataType}, {ValueField.DataType}{(KeysSorted ? ", keys_sorted" : string.Empty)}>";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is MapType t && t.KeysSorted == KeysSorted && t.EntriesField.Equals(EntriesField);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, EntriesField, KeysSorted);
}
