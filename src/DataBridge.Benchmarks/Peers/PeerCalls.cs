using DataBridge.Benchmarks.Transfer;
using DataBridge.Ipc;
using MdaDataFrame = Microsoft.Data.Analysis.DataFrame;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// One call of each peer that goes through a <see cref="PythonBridge"/> or the CSV pipe (the others are
/// <see cref="PythonnetPeer.Run"/>, <see cref="ArrowPipePeer.RoundTrip"/> and <see cref="LoopbackEcho.RoundTrip"/>),
/// shared by the benchmark and its smoke test so that both run exactly the same code.
/// </summary>
internal static class PeerCalls
{
    /// <summary>DataBridge over record batches: the input's batches in, the worker's batches out (the caller disposes the result).</summary>
    public static Task<RunResult> Batches(PythonBridge bridge, PeerInput input) => bridge.RunAsync(input.Batches, input.BridgeScript);

    /// <summary>DataBridge over <see cref="ArrowFrame"/>: .NET arrays in (<see cref="ArrowFrame.FromColumns(ValueTuple{string, Array}[])"/>), .NET arrays out (<c>Column&lt;T&gt;().ToArray()</c>).</summary>
    public static async Task<(string[] Names, object[] Columns)> ArrowFrameArrays(PythonBridge bridge, PeerInput input)
    {
        ArrowFrame frame = ArrowFrame.FromColumns([.. input.Names.Select((name, c) => (name, input.Columns[c]))]);
        ArrowFrame output = await bridge.RunAsync(frame, input.BridgeScript).ConfigureAwait(false);
        object[] columns = [.. output.Schema.FieldsList.Select(f => f.DataType switch
        {
            DoubleType => (object)output.Column<double>(f.Name).ToArray(),
            Int64Type => output.Column<long>(f.Name).ToArray(),
            StringType => output.Column<string>(f.Name).ToArray(),
            _ => throw new NotSupportedException(f.DataType.Name),
        })];
        return ([.. output.Columns], columns);
    }

    /// <summary>DataBridge over a Microsoft.Data.Analysis frame: the frame in (built once, outside the call), a new frame out.</summary>
    public static Task<MdaDataFrame> Mda(PythonBridge bridge, PeerInput input, MdaDataFrame frame) => bridge.RunAsync(frame, input.BridgeScript);

    /// <summary>The CSV pipe (<see cref="CsvBaseline"/> and <see cref="PythonPeer.StartCsvPipe"/>): CSV written from the batches, parsed back into batches.</summary>
    public static List<RecordBatch> Csv(PythonPeer csv, PeerInput input)
    {
        byte[] back = csv.CsvRoundTrip(input.Batches.Count == 0 ? [] : CsvBaseline.Write(input.Batches));
        return back.Length == 0 ? [] : CsvBaseline.Parse(back, input.ExpectedSchema, PeerInput.BatchRows);
    }

    /// <summary>The IPC stream DataBridge writes for <paramref name="batches"/> (the loopback socket's payload).</summary>
    public static byte[] IpcBytes(Schema schema, IReadOnlyList<RecordBatch> batches)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, schema, leaveOpen: true))
        {
            foreach (RecordBatch batch in batches)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        return stream.ToArray();
    }
}
