namespace DataBridge.Ipc;

/// <summary>
/// Gives every dictionary-encoded field of a schema a dictionary id (the writer's view of the schema), and
/// compares types while ignoring ids (a batch's arrays may carry unassigned ids).
/// </summary>
internal static class DictionaryIdAssigner
{
    /// <summary>
    /// Returns <paramref name="schema"/> with ids assigned: explicit ids are kept (equal ids share one
    /// dictionary), missing ones get fresh ids above the largest explicit id.
    /// </summary>
    /// <exception cref="ArgumentException">Two fields share an id but have different value types.</exception>
    public static Schema Assign(Schema schema)
    {
        var valueTypes = new Dictionary<long, ArrowType>();
        long next = 0;
        foreach (Field field in schema.Fields)
        {
            Scan(field.DataType);
        }

        bool changed = false;
        Field[] fields = [.. schema.Fields.Select(f => Rewrite(f))];
        return changed ? new Schema(fields, schema.Metadata) : schema;

        void Scan(ArrowType type)
        {
            if (type is DictionaryType { Id: long id } d)
            {
                if (valueTypes.TryGetValue(id, out ArrowType? existing) && !SameLayout(existing, d.ValueType))
                {
                    throw new ArgumentException($"Fields sharing dictionary id {id} have different value types ({existing} and {d.ValueType}).", nameof(schema));
                }

                valueTypes[id] = d.ValueType;
                next = Math.Max(next, id + 1);
            }

            ArrowType inner = type is DictionaryType dt ? dt.ValueType : type;
            foreach (Field child in inner.Children)
            {
                Scan(child.DataType);
            }
        }

        Field Rewrite(Field field)
        {
            ArrowType type = RewriteType(field.DataType);
            if (ReferenceEquals(type, field.DataType))
            {
                return field;
            }

            changed = true;
            return field.WithType(type);
        }

        ArrowType RewriteType(ArrowType type)
        {
            switch (type)
            {
                case DictionaryType d:
                {
                    ArrowType value = RewriteType(d.ValueType);
                    return d.Id is null || !ReferenceEquals(value, d.ValueType)
                        ? new DictionaryType(d.IndexType, value, d.IsOrdered, d.Id ?? next++)
                        : d;
                }

                case StructType s:
                    return RewriteChildren(s.Fields, out Field[] f) ? new StructType(f) : s;
                case ListType l:
                    return RewriteChildren([l.ValueField], out Field[] lf) ? new ListType(lf[0]) : l;
                case LargeListType l:
                    return RewriteChildren([l.ValueField], out Field[] llf) ? new LargeListType(llf[0]) : l;
                case FixedSizeListType l:
                    return RewriteChildren([l.ValueField], out Field[] fl) ? new FixedSizeListType(fl[0], l.ListSize) : l;
                case MapType m:
                    return RewriteChildren([m.EntriesField], out Field[] mf) ? new MapType(mf[0], m.KeysSorted) : m;
                case UnionType u:
                    return RewriteChildren(u.Fields, out Field[] uf) ? new UnionType(uf, u.Mode, u.TypeIds) : u;
                default:
                    return type;
            }
        }

        bool RewriteChildren(IReadOnlyList<Field> children, out Field[] rewritten)
        {
            rewritten = [.. children.Select(Rewrite)];
            bool any = false;
            for (int i = 0; i < rewritten.Length; i++)
            {
                any |= !ReferenceEquals(rewritten[i], children[i]);
            }

            return any;
        }
    }

    /// <summary>Whether two types are equal apart from dictionary ids.</summary>
    public static bool SameLayout(ArrowType a, ArrowType b)
    {
        if (a is DictionaryType da)
        {
            return b is DictionaryType db && da.IndexType.Equals(db.IndexType) && da.IsOrdered == db.IsOrdered && SameLayout(da.ValueType, db.ValueType);
        }

        if (a.TypeId != b.TypeId)
        {
            return false;
        }

        IReadOnlyList<Field> ca = a.Children;
        IReadOnlyList<Field> cb = b.Children;
        if (ca.Count == 0 && cb.Count == 0)
        {
            return a.Equals(b);
        }

        if (ca.Count != cb.Count)
        {
            return false;
        }

        for (int i = 0; i < ca.Count; i++)
        {
            if (!SameLayout(ca[i].DataType, cb[i].DataType))
            {
                return false;
            }
        }

        return a switch
        {
            FixedSizeListType fa => fa.ListSize == ((FixedSizeListType)b).ListSize,
            UnionType ua => ua.Mode == ((UnionType)b).Mode && ua.TypeIds.SequenceEqual(((UnionType)b).TypeIds),
            _ => true,
        };
    }
}
