namespace DataBridge.Arrow.Types;

/// <summary>A struct of named child fields; struct validity is independent of its children's.</summary>
public sealed class StructType : ArrowType
{
    private readonly Field[] _fields;

    /// <summary>Creates the type. Field names may repeat (Arrow allows it).</summary>
    public StructType(IEnumerable<Field> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
    }

    /// <summary>The child fields, in order.</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => _fields;

    /// <summary>The index of the first child named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => Array.FindIndex(_fields, f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Struct;

    /// <inheritdoc />
    public override string Name => $"struct<{string.Join(", ", _fields.Select(f => f.ToString()))}>";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is StructType t && ChildrenEqual(t._fields, _fields);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, _fields.Length);
}
