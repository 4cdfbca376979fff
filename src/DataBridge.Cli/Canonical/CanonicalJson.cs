using System.Text.Encodings.Web;
using System.Text.Json;

namespace DataBridge.Cli.Canonical;

/// <summary>
/// Converts Arrow data to and from <em>canonical JSON</em>, a plain, implementation-independent text form of
/// a schema and its record batches, used to compare what two Arrow implementations read or write and to
/// look at a stream while debugging (<c>databridge arrow to-json</c> / <c>from-json</c>).
/// </summary>
/// <remarks>
/// <para>Document: <c>{"schema": {"endianness", "fields": [...], "metadata": [[key, value], ...]},
/// "batches": [{"length": N, "columns": [[v0, v1, ...], ...]}]}</c>. A field is
/// <c>{"name", "nullable", "type", "children", "dictionary"?, "metadata"}</c>; types use the Arrow
/// integration-JSON names (<c>int{bitWidth,isSigned}</c>, <c>floatingpoint{precision}</c>, <c>utf8</c>,
/// <c>timestamp{unit,timezone}</c>, ...). A dictionary-encoded field has its <em>value</em> type and
/// <c>dictionary: {id, indexType, isOrdered}</c>. Metadata pairs are sorted by key, then value.</para>
/// <para>Values: integers up to 32 bits are numbers, 64-bit integers decimal strings; floats are numbers
/// except <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, <c>"-0"</c> (float16/32 widened exactly);
/// binary is lowercase hex; date32, time32 and year-month intervals are numbers, date64, time64, timestamps
/// and durations decimal strings (raw storage values, no unit conversion); decimals the unscaled integer as
/// a string; day-time intervals <c>{days, milliseconds}</c>, month-day-nano <c>{months, days,
/// nanoseconds}</c>; lists arrays; structs objects keyed by child name (positional arrays when names
/// repeat); maps <c>[[key, value], ...]</c>; unions <c>[typeId, value]</c>; dictionary-encoded and run-end
/// encoded values are written decoded. Binary and string views, list views (<c>binaryview</c>,
/// <c>utf8view</c>, <c>listview</c>, <c>largelistview</c>) have the values of their plain counterparts;
/// <c>runendencoded</c> has two children, the run ends and the values.</para>
/// <para>Reading builds the arrays directly. Each dictionary id gets one dictionary made of the distinct
/// values found under that id in the whole document, shared by every batch (and by every field declaring
/// the id), with indices of the declared index type. Views are built with inline values up to 12 bytes and
/// one data buffer for the longer ones; run-end encoded arrays with one run per group of equal consecutive
/// values.</para>
/// <para>Apache.Arrow's <see cref="DictionaryType"/> has no id: written JSON numbers dictionaries 0, 1, 2, ...
/// in schema order (a field before its children) unless the ids are known, as for a stream.</para>
/// </remarks>
internal static class CanonicalJson
{
    /// <summary>Writes <paramref name="schema"/> and <paramref name="batches"/> as canonical JSON (UTF-8).</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="batches">The batches, enumerated once and written one at a time.</param>
    /// <param name="destination">Where the UTF-8 text goes; left open.</param>
    /// <param name="indented">Whether to indent the text (one value per line) or write it on one line.</param>
    /// <exception cref="ArrowFormatException">The array data does not match its type's layout.</exception>
    public static void Write(Schema schema, IEnumerable<RecordBatch> batches, Stream destination, bool indented = true) =>
        Write(schema, batches, destination, indented, null);

    /// <summary>As <see cref="Write(Schema, IEnumerable{RecordBatch}, Stream, bool)"/>, with the dictionary ids of the source (see <see cref="CanonicalJsonWriter"/>).</summary>
    internal static void Write(Schema schema, IEnumerable<RecordBatch> batches, Stream destination, bool indented, IReadOnlyList<long>? dictionaryIds)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(destination);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions
        {
            Indented = indented,
            // Keep non-ASCII text readable; JSON parsers see the same strings either way.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        new CanonicalJsonWriter(json, dictionaryIds).WriteDocument(schema, batches);
    }

    /// <summary>Writes <paramref name="schema"/> and <paramref name="batches"/> as canonical JSON text.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="batches">The batches, enumerated once and written one at a time.</param>
    /// <param name="destination">Where the text goes; flushed, left open.</param>
    /// <param name="indented">Whether to indent the text (one value per line) or write it on one line.</param>
    /// <exception cref="ArrowFormatException">The array data does not match its type's layout.</exception>
    public static void Write(Schema schema, IEnumerable<RecordBatch> batches, TextWriter destination, bool indented = true) =>
        Write(schema, batches, destination, indented, null);

    /// <summary>As <see cref="Write(Schema, IEnumerable{RecordBatch}, TextWriter, bool)"/>, with the dictionary ids of the source (see <see cref="CanonicalJsonWriter"/>).</summary>
    internal static void Write(Schema schema, IEnumerable<RecordBatch> batches, TextWriter destination, bool indented, IReadOnlyList<long>? dictionaryIds)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var stream = new Utf8TextWriterStream(destination);
        Write(schema, batches, stream, indented, dictionaryIds);
        destination.Flush();
    }

    /// <summary>Returns the canonical JSON of <paramref name="schema"/> and <paramref name="batches"/>.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="batches">The batches.</param>
    /// <param name="indented">Whether to indent the text.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArrowFormatException">The array data does not match its type's layout.</exception>
    public static string ToJson(Schema schema, IEnumerable<RecordBatch> batches, bool indented = true)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(schema, batches, text, indented);
        return text.ToString();
    }

    /// <summary>Reads a canonical JSON document into a schema and record batches.</summary>
    /// <param name="source">UTF-8 JSON text; read to the end, left open.</param>
    /// <returns>The schema and batches.</returns>
    /// <exception cref="JsonException">The text is not JSON, or not a canonical JSON document (the message gives the JSON path).</exception>
    /// <exception cref="UnsupportedArrowFeatureException">The document uses a type Apache.Arrow cannot hold (a struct or union without fields, a fixed-size binary or list of size 0).</exception>
    public static CanonicalJsonContent Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using JsonDocument document = JsonDocument.Parse(source, DocumentOptions);
        return Read(document.RootElement);
    }

    /// <summary>Parses canonical JSON text into a schema and record batches.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The schema and batches.</returns>
    /// <exception cref="JsonException">The text is not JSON, or not a canonical JSON document (the message gives the JSON path).</exception>
    /// <exception cref="UnsupportedArrowFeatureException">The document uses a type Apache.Arrow cannot hold (a struct or union without fields, a fixed-size binary or list of size 0).</exception>
    public static CanonicalJsonContent Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json, DocumentOptions);
        return Read(document.RootElement);
    }

    // Deep enough for any schema the codec accepts (64 levels of fields, each a few JSON levels).
    private static JsonDocumentOptions DocumentOptions => new() { MaxDepth = 512 };

    private static CanonicalJsonContent Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema", out JsonElement schemaElement))
        {
            throw CanonicalJsonErrors.Invalid("$", "expected an object with 'schema' and 'batches'");
        }

        Schema schema = CanonicalSchemaReader.ReadSchema(schemaElement, out string endianness, out Dictionary<DictionaryType, long> dictionaryIds);
        if (!root.TryGetProperty("batches", out JsonElement batchArray) || batchArray.ValueKind != JsonValueKind.Array)
        {
            throw CanonicalJsonErrors.Invalid("$.batches", "expected an array");
        }

        // Pass 1: shape of each batch, and the distinct values of every dictionary id.
        var shapes = new List<(int Length, JsonElement Columns)>();
        var builder = new CanonicalArrayBuilder(dictionaryIds);
        int b = 0;
        foreach (JsonElement batch in batchArray.EnumerateArray())
        {
            string path = $"$.batches[{b++}]";
            if (batch.ValueKind != JsonValueKind.Object
                || !batch.TryGetProperty("length", out JsonElement lengthElement) || !lengthElement.TryGetInt32(out int length) || length < 0
                || !batch.TryGetProperty("columns", out JsonElement columns) || columns.ValueKind != JsonValueKind.Array)
            {
                throw CanonicalJsonErrors.Invalid(path, "expected {\"length\": N, \"columns\": [...]}");
            }

            if (columns.GetArrayLength() != schema.FieldsList.Count)
            {
                throw CanonicalJsonErrors.Invalid($"{path}.columns", $"{columns.GetArrayLength()} columns for {schema.FieldsList.Count} fields");
            }

            int c = 0;
            foreach (JsonElement column in columns.EnumerateArray())
            {
                if (column.ValueKind != JsonValueKind.Array || column.GetArrayLength() != length)
                {
                    throw CanonicalJsonErrors.Invalid($"{path}.columns[{c}]", $"expected an array of {length} values");
                }

                builder.CollectColumn(schema.FieldsList[c++], column);
            }

            shapes.Add((length, columns));
        }

        // Pass 2: the arrays.
        var batches = new List<RecordBatch>(shapes.Count);
        for (b = 0; b < shapes.Count; b++)
        {
            (int length, JsonElement columns) = shapes[b];
            var arrays = new IArrowArray[schema.FieldsList.Count];
            int c = 0;
            foreach (JsonElement column in columns.EnumerateArray())
            {
                arrays[c] = ArrowArrayFactory.BuildArray(builder.Build(schema.FieldsList[c], [.. column.EnumerateArray()], $"$.batches[{b}].columns[{c}]"));
                c++;
            }

            batches.Add(new RecordBatch(schema, arrays, length));
        }

        return new CanonicalJsonContent(schema, batches, endianness, CanonicalSchemaReader.PreOrderIds(schema.FieldsList, dictionaryIds));
    }
}
