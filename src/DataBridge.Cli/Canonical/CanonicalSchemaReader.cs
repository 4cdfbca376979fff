using System.Text.Json;

namespace DataBridge.Cli.Canonical;

/// <summary>Parses the <c>schema</c> member of a canonical JSON document into a <see cref="Schema"/>.</summary>
/// <remarks>
/// Apache.Arrow's <see cref="DictionaryType"/> carries no dictionary id, so the ids of the document come
/// back beside the schema: each dictionary-encoded field gets its own <see cref="DictionaryType"/> instance,
/// the key of its id.
/// </remarks>
internal static class CanonicalSchemaReader
{
    /// <summary>Nesting depth beyond which a schema is refused (Arrow C++ uses the same bound).</summary>
    private const int MaxDepth = 64;

    public static Schema ReadSchema(JsonElement schema, out string endianness, out Dictionary<DictionaryType, long> dictionaryIds)
    {
        const string path = "$.schema";
        Expect(schema, JsonValueKind.Object, path);
        endianness = OptionalString(schema, "endianness", path) ?? "Little";
        if (endianness is not ("Little" or "Big"))
        {
            throw CanonicalJsonErrors.Invalid($"{path}.endianness", $"'{endianness}' is neither Little nor Big");
        }

        JsonElement fields = Property(schema, "fields", JsonValueKind.Array, path);
        var result = new List<Field>();
        dictionaryIds = new Dictionary<DictionaryType, long>(ReferenceEqualityComparer.Instance);
        int i = 0;
        foreach (JsonElement field in fields.EnumerateArray())
        {
            result.Add(ReadField(field, $"{path}.fields[{i++}]", 0, dictionaryIds));
        }

        return new Schema(result, ReadMetadata(schema, path));
    }

    /// <summary>
    /// The dictionary ids of <paramref name="fields"/> in pre-order (a field before its children), the order
    /// in which <see cref="CanonicalJsonWriter"/> meets them.
    /// </summary>
    public static List<long> PreOrderIds(IEnumerable<Field> fields, IReadOnlyDictionary<DictionaryType, long> ids)
    {
        var result = new List<long>();
        Walk(fields);
        return result;

        void Walk(IEnumerable<Field> level)
        {
            foreach (Field field in level)
            {
                IArrowType type = field.DataType;
                if (type is DictionaryType d)
                {
                    result.Add(ids[d]);
                    type = d.ValueType;
                }

                if (type is NestedType nested)
                {
                    Walk(nested.Fields);
                }
            }
        }
    }

    private static Field ReadField(JsonElement field, string path, int depth, Dictionary<DictionaryType, long> dictionaryIds)
    {
        if (depth > MaxDepth)
        {
            throw CanonicalJsonErrors.Invalid(path, $"fields are nested deeper than {MaxDepth} levels");
        }

        Expect(field, JsonValueKind.Object, path);
        string name = Property(field, "name", JsonValueKind.String, path).GetString()!;
        bool nullable = field.TryGetProperty("nullable", out JsonElement n) && Boolean(n, $"{path}.nullable");
        var children = new List<Field>();
        if (field.TryGetProperty("children", out JsonElement childArray))
        {
            Expect(childArray, JsonValueKind.Array, $"{path}.children");
            int i = 0;
            foreach (JsonElement child in childArray.EnumerateArray())
            {
                children.Add(ReadField(child, $"{path}.children[{i++}]", depth + 1, dictionaryIds));
            }
        }

        IArrowType type = ReadType(Property(field, "type", JsonValueKind.Object, path), children, $"{path}.type");
        if (field.TryGetProperty("dictionary", out JsonElement dictionary) && dictionary.ValueKind != JsonValueKind.Null)
        {
            string dictionaryPath = $"{path}.dictionary";
            Expect(dictionary, JsonValueKind.Object, dictionaryPath);
            JsonElement idElement = Property(dictionary, "id", JsonValueKind.Number, dictionaryPath);
            if (!idElement.TryGetInt64(out long id))
            {
                throw CanonicalJsonErrors.Invalid($"{dictionaryPath}.id", "not a 64-bit integer");
            }

            // Schema.fbs: an absent index type means signed int32.
            IArrowType indexType = dictionary.TryGetProperty("indexType", out JsonElement indexElement)
                ? ReadType(indexElement, [], $"{dictionaryPath}.indexType")
                : Int32Type.Default;
            if (indexType is not IntegerType)
            {
                throw CanonicalJsonErrors.Invalid($"{dictionaryPath}.indexType", "a dictionary index type must be an integer type");
            }

            bool ordered = dictionary.TryGetProperty("isOrdered", out JsonElement o) && Boolean(o, $"{dictionaryPath}.isOrdered");
            var dictionaryType = new DictionaryType(indexType, type, ordered);
            dictionaryIds.Add(dictionaryType, id);
            type = dictionaryType;
        }

        return new Field(name, type, nullable, ReadMetadata(field, path));
    }

    private static IArrowType ReadType(JsonElement type, List<Field> children, string path)
    {
        Expect(type, JsonValueKind.Object, path);
        string name = Property(type, "name", JsonValueKind.String, path).GetString()!;
        int expectedChildren = name switch
        {
            "list" or "largelist" or "listview" or "largelistview" or "fixedsizelist" or "map" => 1,
            "runendencoded" => 2,
            "struct" or "union" => -1,
            _ => 0,
        };
        if (expectedChildren >= 0 && children.Count != expectedChildren)
        {
            throw CanonicalJsonErrors.Invalid(path, $"type '{name}' needs {expectedChildren} children, the field has {children.Count}");
        }

        switch (name)
        {
            case "null":
                return NullType.Default;
            case "bool":
                return BooleanType.Default;
            case "int":
            {
                int bitWidth = Int(type, "bitWidth", path);
                bool signed = type.TryGetProperty("isSigned", out JsonElement s) && Boolean(s, $"{path}.isSigned");
                return CanonicalNames.Integer(bitWidth, signed)
                    ?? throw CanonicalJsonErrors.Invalid($"{path}.bitWidth", $"{bitWidth} is not 8, 16, 32 or 64");
            }

            case "floatingpoint":
                return CanonicalNames.ParsePrecision(OptionalString(type, "precision", path))
                    ?? throw CanonicalJsonErrors.Invalid($"{path}.precision", "expected HALF, SINGLE or DOUBLE");
            case "utf8":
                return StringType.Default;
            case "largeutf8":
                return LargeStringType.Default;
            case "utf8view":
                return StringViewType.Default;
            case "binary":
                return BinaryType.Default;
            case "largebinary":
                return LargeBinaryType.Default;
            case "binaryview":
                return BinaryViewType.Default;
            case "fixedsizebinary":
            {
                int byteWidth = NonNegative(Int(type, "byteWidth", path), $"{path}.byteWidth");
                return byteWidth > 0
                    ? new FixedSizeBinaryType(byteWidth)
                    : throw new UnsupportedArrowFeatureException("fixedsizebinary of 0 bytes", $"Apache.Arrow has no fixed-size binary type of width 0 ({path}).");
            }

            case "decimal":
            {
                int precision = Int(type, "precision", path);
                int scale = Int(type, "scale", path);
                int bitWidth = type.TryGetProperty("bitWidth", out _) ? Int(type, "bitWidth", path) : 128;
                if (precision <= 0)
                {
                    throw CanonicalJsonErrors.Invalid(path, $"decimal({precision}, {scale}) of {bitWidth} bits is not a valid decimal type");
                }

                return bitWidth switch
                {
                    32 => new Decimal32Type(precision, scale),
                    64 => new Decimal64Type(precision, scale),
                    128 => new Decimal128Type(precision, scale),
                    256 => new Decimal256Type(precision, scale),
                    _ => throw CanonicalJsonErrors.Invalid(path, $"decimal({precision}, {scale}) of {bitWidth} bits is not a valid decimal type"),
                };
            }

            case "date":
                return OptionalString(type, "unit", path) switch
                {
                    "DAY" => Date32Type.Default,
                    "MILLISECOND" => Date64Type.Default,
                    _ => throw CanonicalJsonErrors.Invalid($"{path}.unit", "expected DAY or MILLISECOND"),
                };
            case "time":
            {
                TimeUnit unit = Unit(type, path);
                TimeType time = TimeType.FromTimeUnit(unit);
                if (type.TryGetProperty("bitWidth", out _) && Int(type, "bitWidth", path) != time.BitWidth)
                {
                    throw CanonicalJsonErrors.Invalid($"{path}.bitWidth", $"time in {CanonicalNames.TimeUnit(unit)} units is {time.BitWidth} bits wide");
                }

                return time;
            }

            case "timestamp":
            {
                string? timezone = null;
                if (type.TryGetProperty("timezone", out JsonElement tz) && tz.ValueKind != JsonValueKind.Null)
                {
                    Expect(tz, JsonValueKind.String, $"{path}.timezone");
                    timezone = tz.GetString();
                }

                return new TimestampType(Unit(type, path), timezone);
            }

            case "duration":
                return DurationType.FromTimeUnit(Unit(type, path));
            case "interval":
                return IntervalType.FromIntervalUnit(CanonicalNames.ParseIntervalUnit(OptionalString(type, "unit", path))
                    ?? throw CanonicalJsonErrors.Invalid($"{path}.unit", "expected YEAR_MONTH, DAY_TIME or MONTH_DAY_NANO"));
            case "list":
                return new ListType(children[0]);
            case "largelist":
                return new LargeListType(children[0]);
            case "listview":
                return new ListViewType(children[0]);
            case "largelistview":
                return new LargeListViewType(children[0]);
            case "fixedsizelist":
            {
                int listSize = NonNegative(Int(type, "listSize", path), $"{path}.listSize");
                return listSize > 0
                    ? new FixedSizeListType(children[0], listSize)
                    : throw new UnsupportedArrowFeatureException("fixedsizelist of size 0", $"Apache.Arrow has no fixed-size list type of size 0 ({path}).");
            }

            case "struct":
                return children.Count > 0
                    ? new StructType(children)
                    : throw new UnsupportedArrowFeatureException("struct without fields", $"Apache.Arrow has no struct type without fields ({path}).");
            case "map":
            {
                if (children[0].DataType is not StructType { Fields.Count: 2 })
                {
                    throw CanonicalJsonErrors.Invalid(path, "a map's child must be a struct of two fields (key, value)");
                }

                bool sorted = type.TryGetProperty("keysSorted", out JsonElement k) && Boolean(k, $"{path}.keysSorted");
                return new MapType(children[0], sorted);
            }

            case "union":
            {
                UnionMode mode = OptionalString(type, "mode", path) switch
                {
                    "SPARSE" => UnionMode.Sparse,
                    "DENSE" => UnionMode.Dense,
                    _ => throw CanonicalJsonErrors.Invalid($"{path}.mode", "expected SPARSE or DENSE"),
                };
                List<int>? typeIds = null;
                if (type.TryGetProperty("typeIds", out JsonElement ids) && ids.ValueKind != JsonValueKind.Null)
                {
                    Expect(ids, JsonValueKind.Array, $"{path}.typeIds");
                    typeIds = [.. ids.EnumerateArray().Select((e, i) => IntValue(e, $"{path}.typeIds[{i}]"))];
                }

                if ((typeIds?.Count ?? children.Count) != children.Count || (typeIds ?? []).Any(id => id is < 0 or > 127)
                    || (typeIds ?? []).Distinct().Count() != (typeIds?.Count ?? 0))
                {
                    throw CanonicalJsonErrors.Invalid($"{path}.typeIds", "a union needs one distinct type id in 0..127 per child");
                }

                if (children.Count == 0)
                {
                    throw new UnsupportedArrowFeatureException("union without fields", $"Apache.Arrow has no union type without fields ({path}).");
                }

                // Absent type ids are the child indexes.
                return new UnionType(children, typeIds ?? [.. Enumerable.Range(0, children.Count)], mode);
            }

            case "runendencoded":
                if (children[0].DataType is not (Int16Type or Int32Type or Int64Type))
                {
                    throw CanonicalJsonErrors.Invalid($"{path}", "the run ends of a run-end encoded type must be int16, int32 or int64");
                }

                return new RunEndEncodedType(children[0], children[1]);
            default:
                throw CanonicalJsonErrors.Invalid($"{path}.name", $"unknown type '{name}'");
        }
    }

    private static List<KeyValuePair<string, string>> ReadMetadata(JsonElement owner, string path)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!owner.TryGetProperty("metadata", out JsonElement metadata) || metadata.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        Expect(metadata, JsonValueKind.Array, $"{path}.metadata");
        int i = 0;
        foreach (JsonElement pair in metadata.EnumerateArray())
        {
            string pairPath = $"{path}.metadata[{i++}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
            {
                throw CanonicalJsonErrors.Invalid(pairPath, "expected a [key, value] pair of strings");
            }

            var entry = new KeyValuePair<string, string>(pair[0].GetString()!, pair[1].GetString()!);
            if (result.Any(e => string.Equals(e.Key, entry.Key, StringComparison.Ordinal)))
            {
                // Apache.Arrow keeps metadata in a dictionary.
                throw CanonicalJsonErrors.Invalid(pairPath, $"the key '{entry.Key}' appears twice");
            }

            result.Add(entry);
        }

        return result;
    }

    private static TimeUnit Unit(JsonElement type, string path) =>
        CanonicalNames.ParseTimeUnit(OptionalString(type, "unit", path))
        ?? throw CanonicalJsonErrors.Invalid($"{path}.unit", "expected SECOND, MILLISECOND, MICROSECOND or NANOSECOND");

    private static int NonNegative(int value, string path) =>
        value >= 0 ? value : throw CanonicalJsonErrors.Invalid(path, "must not be negative");

    private static int Int(JsonElement owner, string name, string path) =>
        IntValue(Property(owner, name, JsonValueKind.Number, path), $"{path}.{name}");

    private static int IntValue(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int value)
            ? value
            : throw CanonicalJsonErrors.Invalid(path, "expected a 32-bit integer");

    private static bool Boolean(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw CanonicalJsonErrors.Invalid(path, "expected true or false"),
    };

    private static string? OptionalString(JsonElement owner, string name, string path)
    {
        if (!owner.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(value, JsonValueKind.String, $"{path}.{name}");
        return value.GetString();
    }

    private static JsonElement Property(JsonElement owner, string name, JsonValueKind kind, string path)
    {
        if (!owner.TryGetProperty(name, out JsonElement value))
        {
            throw CanonicalJsonErrors.Invalid(path, $"the member '{name}' is missing");
        }

        Expect(value, kind, $"{path}.{name}");
        return value;
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw CanonicalJsonErrors.Invalid(path, $"expected {kind}, found {element.ValueKind}");
        }
    }
}
