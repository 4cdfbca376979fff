namespace DataBridge.Ipc;

/// <summary>
/// Gives every dictionary-encoded field of a schema a dictionary id for the writer. Apache.Arrow's
/// <see cref="DictionaryType"/> has no id, so ids are the fields' pre-order positions among the dictionary
/// fields (0, 1, ...), nested ones and those inside a dictionary's value type included; each field has a
/// dictionary of its own.
/// </summary>
internal static class DictionaryIdAssigner
{
    /// <summary>The id of each dictionary-encoded field of <paramref name="schema"/>, by field instance.</summary>
    public static Dictionary<Field, long> Assign(Schema schema)
    {
        var ids = new Dictionary<Field, long>(ReferenceEqualityComparer.Instance);
        foreach (Field field in schema.FieldsList)
        {
            Visit(field);
        }

        return ids;

        void Visit(Field field)
        {
            IArrowType type = field.DataType;
            if (type is DictionaryType dictionary)
            {
                ids.TryAdd(field, ids.Count);
                type = dictionary.ValueType;
            }

            foreach (Field child in TypeLayout.Children(type))
            {
                Visit(child);
            }
        }
    }
}
