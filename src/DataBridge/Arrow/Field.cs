using DataBridge.Arrow.Types;

namespace DataBridge.Arrow;

/// <summary>
/// A named, typed column or child: name, type, nullability and custom metadata. Extension types are
/// represented by their storage type with the <c>ARROW:extension:name</c> / <c>ARROW:extension:metadata</c>
/// entries kept in <see cref="Metadata"/>.
/// </summary>
public sealed class Field : IEquatable<Field>
{
    /// <summary>Creates a field.</summary>
    /// <param name="name">The name (may be empty; Arrow allows duplicates among siblings).</param>
    /// <param name="dataType">The type.</param>
    /// <param name="isNullable">Whether values may be null.</param>
    /// <param name="metadata">Custom metadata as ordered key/value pairs; null for none.</param>
    public Field(string name, ArrowType dataType, bool isNullable = true, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        DataType = dataType ?? throw new ArgumentNullException(nameof(dataType));
        IsNullable = isNullable;
        Metadata = metadata is null ? [] : [.. metadata];
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The type; a <see cref="DictionaryType"/> for dictionary-encoded fields.</summary>
    public ArrowType DataType { get; }

    /// <summary>Whether values may be null.</summary>
    public bool IsNullable { get; }

    /// <summary>Custom metadata, in the order it was given or read.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>The extension name from <c>ARROW:extension:name</c>, or null for a plain field.</summary>
    public string? ExtensionName => Metadata.FirstOrDefault(kv => kv.Key == "ARROW:extension:name").Value;

    /// <summary>Returns a copy with another name.</summary>
    public Field WithName(string name) => new(name, DataType, IsNullable, Metadata);

    /// <summary>Returns a copy with another type.</summary>
    public Field WithType(ArrowType dataType) => new(Name, dataType, IsNullable, Metadata);

    /// <inheritdoc />
    public bool Equals(Field? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && IsNullable == other.IsNullable
        && DataType.Equals(other.DataType)
        && Metadata.SequenceEqual(other.Metadata);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Field f && Equals(f);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, DataType, IsNullable);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {DataType}{(IsNullable ? string.Empty : " not null")}";
}
