namespace DataBridge.Ipc;

/// <summary>
/// The reader's dictionaries by id: the value type each id has in the schema (fields sharing an id must
/// agree on it) and the current dictionary, replaced or extended by each DictionaryBatch. Apache.Arrow's
/// <see cref="DictionaryType"/> carries no id: the ids come from the schema message, by field instance
/// (<see cref="MetadataDecoder.DecodeSchema"/>).
/// </summary>
internal sealed class DictionaryMemo
{
    private readonly Dictionary<long, DictionaryType> _types = [];
    private readonly Dictionary<long, ArrayData> _values = [];
    private readonly Dictionary<Field, long> _ids;

    public DictionaryMemo(Schema schema, Dictionary<Field, long> ids)
    {
        _ids = ids;
        foreach (Field field in schema.FieldsList)
        {
            Register(field);
        }
    }

    /// <summary>The dictionary id of a dictionary-encoded field of the schema (or of a dictionary's value type).</summary>
    public long IdOf(Field field) =>
        _ids.TryGetValue(field, out long id) ? id : throw new ArrowFormatException($"Field '{field.Name}' is dictionary-encoded but the schema gives it no dictionary id.");

    public bool IsEmpty => _types.Count == 0;

    /// <summary>The dictionary type registered for <paramref name="id"/>, or null for an id the schema does not use.</summary>
    public DictionaryType? TypeOf(long id) => _types.GetValueOrDefault(id);

    public bool TryGet(long id, out ArrayData dictionary) => _values.TryGetValue(id, out dictionary!);

    /// <summary>Stores a dictionary: a replacement, or a delta appended to the current one.</summary>
    public void Set(long id, ArrayData values, bool isDelta)
    {
        if (isDelta && _values.TryGetValue(id, out ArrayData? current))
        {
            // The concatenation is no larger than its inputs' buffers together; refuse what could not fit in
            // one array instead of letting an allocation or a length overflow.
            long bytes = Internal.BatchSlicer.EstimateBytes(current) + Internal.BatchSlicer.EstimateBytes(values);
            if ((long)current.Length + values.Length > int.MaxValue || bytes > Array.MaxLength - 64)
            {
                throw new ArrowFormatException($"A delta for dictionary id {id} would grow it beyond {int.MaxValue} values or {Array.MaxLength} bytes.");
            }

            values = ArrayConcatenator.Concatenate([current, values]);
        }

        _values[id] = values;
    }

    private void Register(Field field)
    {
        if (field.DataType is DictionaryType d)
        {
            long id = IdOf(field);
            if (_types.TryGetValue(id, out DictionaryType? existing) && !ArrowTypeEquality.SameLayout(existing.ValueType, d.ValueType))
            {
                throw new ArrowFormatException($"Fields sharing dictionary id {id} have different value types ({existing.ValueType.Name} and {d.ValueType.Name}).");
            }

            _types[id] = d;
            foreach (Field child in TypeLayout.Children(d.ValueType))
            {
                Register(child);
            }

            return;
        }

        foreach (Field child in TypeLayout.Children(field.DataType))
        {
            Register(child);
        }
    }
}
