using DataBridge.Arrow.Types;

namespace DataBridge.Arrow;

/// <summary>The ordered fields of a record batch or stream, with custom metadata.</summary>
public sealed class Schema : IEquatable<Schema>
{
    private readonly Field[] _fields;

    /// <summary>Creates a schema.</summary>
    public Schema(IEnumerable<Field> fields, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
        Metadata = metadata is null ? [] : [.. metadata];
    }

    /// <summary>The empty schema (no fields).</summary>
    public static Schema Empty { get; } = new([]);

    /// <summary>The fields, in order.</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <summary>Custom metadata, in the order it was given or read.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>The field at <paramref name="index"/>.</summary>
    public Field this[int index] => _fields[index];

    /// <summary>The index of the first field named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => Array.FindIndex(_fields, f => string.Equals(f.Name, name, StringComparison.Ordinal));

    /// <inheritdoc />
    public bool Equals(Schema? other) =>
        other is not null && ArrowType.ChildrenEqual(_fields, other._fields) && Metadata.SequenceEqual(other.Metadata);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Schema s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_fields.Length, _fields.Length > 0 ? _fields[0] : null);

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, _fields.Select(f => f.ToString()));
}
