namespace DataBridge.Ipc;

/// <summary>
/// The reader's dictionaries by id: the value type each id has in the schema (fields sharing an id must
/// agree on it) and the current dictionary, replaced or extended by each DictionaryBatch.
/// </summary>
internal sealed class DictionaryMemo
{
    private readonly Dictionary<long, DictionaryType> _types = [];
    private readonly Dictionary<long, ArrayData> _values = [];

    public DictionaryMemo(Schema schema)
    {
        foreach (Field field in schema.Fields)
        {
            Register(field.DataType);
        }
    }

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
            long bytes = BufferBytes(current) + BufferBytes(values);
            if ((long)current.Length + values.Length > int.MaxValue || bytes > Array.MaxLength - 64)
            {
                throw new ArrowFormatException($"A delta for dictionary id {id} would grow it beyond {int.MaxValue} values or {Array.MaxLength} bytes.");
            }

            values = ArrayConcatenator.Concatenate([current, values]);
        }

        _values[id] = values;
    }

    private static long BufferBytes(ArrayData data)
    {
        long bytes = 0;
        foreach (ArrowBuffer buffer in data.Buffers)
        {
            bytes += buffer.Length;
        }

        foreach (ArrayData child in data.Children)
        {
            bytes += BufferBytes(child);
        }

        return bytes;
    }

    private void Register(ArrowType type)
    {
        if (type is DictionaryType d)
        {
            long id = d.Id ?? 0;
            if (_types.TryGetValue(id, out DictionaryType? existing) && !existing.ValueType.Equals(d.ValueType))
            {
                throw new ArrowFormatException($"Fields sharing dictionary id {id} have different value types ({existing.ValueType} and {d.ValueType}).");
            }

            _types[id] = d;
            Register(d.ValueType);
            return;
        }

        foreach (Field child in type.Children)
        {
            Register(child.DataType);
        }
    }
}
