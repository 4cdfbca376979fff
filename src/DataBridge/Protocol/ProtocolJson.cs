using System.Text.Json;

namespace DataBridge.Protocol;

/// <summary>
/// Encoding of the run header and decoding of the JSON control payloads. Written against
/// <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/> (no reflection serializer): the payloads are
/// small, and a malformed one becomes a <see cref="DataBridgeException"/> naming the frame.
/// </summary>
internal static class ProtocolJson
{
    /// <summary>Encodes a run header as UTF-8 JSON.</summary>
    public static byte[] WriteRunHeader(RunHeader header)
    {
        using var buffer = new MemoryStream(256 + (header.Code?.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("run_id", header.RunId);
            json.WriteNumber("partition", header.Partition);
            json.WriteString("code_hash", header.CodeHash);
            if (header.Code is not null)
            {
                json.WriteString("code", header.Code);
            }

            json.WriteStartObject("conf");
            foreach (KeyValuePair<string, string> entry in header.Conf)
            {
                json.WriteString(entry.Key, entry.Value);
            }

            json.WriteEndObject();
            json.WriteNumber("max_batch_rows", header.MaxBatchRows);
            json.WriteNumber("max_batch_bytes", header.MaxBatchBytes);
            json.WriteString("timezone", header.Timezone);
            if (header.CodeName is not null)
            {
                json.WriteString("code_name", header.CodeName);
            }

            if (header.PandasOptions is { Count: > 0 } pandasOptions)
            {
                json.WriteStartObject("pandas_options");
                foreach (KeyValuePair<string, string> entry in pandasOptions)
                {
                    json.WriteString(entry.Key, entry.Value);
                }

                json.WriteEndObject();
            }

            if (header.Extra is not null)
            {
                foreach (KeyValuePair<string, string> entry in header.Extra)
                {
                    json.WritePropertyName(entry.Key);
                    json.WriteRawValue(entry.Value);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Decodes a LOG payload.</summary>
    public static LogRecord ParseLog(ReadOnlyMemory<byte> payload)
    {
        using JsonDocument doc = Parse(FrameCode.Log, payload);
        JsonElement root = doc.RootElement;
        return new LogRecord(
            GetString(root, "level") ?? "info",
            GetString(root, "stream") ?? "log",
            GetString(root, "message") ?? string.Empty);
    }

    /// <summary>Decodes a PYTHON_EXCEPTION payload into the exception it surfaces as.</summary>
    public static PythonWorkerException ParsePythonException(ReadOnlyMemory<byte> payload)
    {
        using JsonDocument doc = Parse(FrameCode.PythonException, payload);
        JsonElement root = doc.RootElement;
        return new PythonWorkerException(
            GetString(root, "type") ?? "Exception",
            GetString(root, "message") ?? string.Empty,
            GetString(root, "traceback") ?? string.Empty);
    }

    /// <summary>
    /// Decodes a TIMING payload (milliseconds); <paramref name="elapsed"/> is the host's own measure.
    /// <paramref name="outputSet"/>: its <c>output_set</c> (whether the code called <c>set_output</c>), true when absent.
    /// </summary>
    public static RunTimings ParseTiming(ReadOnlyMemory<byte> payload, TimeSpan elapsed, out bool outputSet)
    {
        using JsonDocument doc = Parse(FrameCode.Timing, payload);
        JsonElement root = doc.RootElement;
        outputSet = !(root.TryGetProperty("output_set", out JsonElement set) && set.ValueKind == JsonValueKind.False);
        return new RunTimings(Ms(root, "boot_ms"), Ms(root, "init_ms"), Ms(root, "run_ms"), Ms(root, "finish_ms"), elapsed);
    }

    /// <summary>Decodes the daemon's HELLO payload.</summary>
    public static DaemonHello ParseHello(ReadOnlyMemory<byte> payload)
    {
        using JsonDocument doc = Parse(FrameCode.Hello, payload);
        JsonElement root = doc.RootElement;
        try
        {
            bool hasNumpy = root.TryGetProperty("numpy", out JsonElement n) && n.ValueKind == JsonValueKind.True;
            bool hasPandas = root.TryGetProperty("pandas", out JsonElement pd) && pd.ValueKind == JsonValueKind.True;
            return new DaemonHello(
                GetString(root, "token") ?? string.Empty,
                root.GetProperty("port").GetInt32(),
                root.GetProperty("pid").GetInt32(),
                GetString(root, "python") ?? string.Empty,
                root.TryGetProperty("protocol", out JsonElement p) ? p.GetInt32() : 0,
                hasNumpy,
                hasPandas)
            {
                Executable = GetString(root, "executable") ?? string.Empty,
                NumpyVersion = GetString(root, "numpy_version") ?? (hasNumpy ? "?" : null),
                PandasVersion = GetString(root, "pandas_version") ?? (hasPandas ? "?" : null),
                NumpyError = GetString(root, "numpy_error"),
                PandasError = GetString(root, "pandas_error"),
                UnixSocketPath = GetString(root, "unix"),
                TransportNote = GetString(root, "transport_note"),
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            ProtocolErrors.ThrowBadPayload(FrameCode.Hello, ex);
            throw;
        }
    }

    private static JsonDocument Parse(int code, ReadOnlyMemory<byte> payload)
    {
        JsonDocument? doc = null;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            ProtocolErrors.ThrowBadPayload(code, ex);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            ProtocolErrors.ThrowBadPayload(code, null);
        }

        return doc;
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    private static TimeSpan Ms(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double ms) && double.IsFinite(ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.Zero;
}
