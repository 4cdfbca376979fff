using System.Diagnostics;
using Apache.Arrow.Ipc;
using DataBridge.Benchmarks.Transfer;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// The naive pipe, as a user would write it without DataBridge: one long-lived <c>python3</c> child per
/// workload; each call writes the batches with Apache.Arrow's <see cref="ArrowStreamWriter"/> to its stdin
/// (one complete IPC stream: the end-of-stream marker ends the request), and the child reads them with our
/// Python codec (<c>data_manager.arrow.StreamReader</c> over <c>sys.stdin.buffer</c>), turns each batch into
/// pandas (<c>data_manager._pandas.batch_to_pandas</c>), applies the transform, converts back
/// (<c>pandas_to_batches</c>) and writes one IPC stream to stdout (<c>StreamWriter</c>), which
/// <see cref="ArrowStreamReader"/> reads into batches. .NET writes on a second thread while it reads, so a
/// large request cannot deadlock on full pipes.
/// </summary>
internal sealed class ArrowPipePeer : IDisposable
{
    private const string Loop = """
        import sys
        from data_manager.arrow import StreamReader, StreamWriter
        from data_manager._pandas import batch_to_pandas, pandas_to_batches

        inp, out = sys.stdin.buffer, sys.stdout.buffer
        while inp.peek(1):
            reader = StreamReader(inp)
            writer = None
            for batch in reader:
                for result in pandas_to_batches(transform(batch_to_pandas(batch))):
                    if writer is None:
                        writer = StreamWriter(out, result.schema)
                    writer.write_batch(result)
            if writer is None:
                writer = StreamWriter(out, reader.schema)
            writer.close()
            out.flush()
        """;

    private readonly Process _process;

    private ArrowPipePeer(Process process) => _process = process;

    /// <summary>Starts the child with <paramref name="transform"/> (identity when null) and our codec on its path.</summary>
    public static ArrowPipePeer Start(string? transform)
    {
        string script = (transform ?? "def transform(df):\n    return df") + "\n" + Loop;
        return new ArrowPipePeer(PythonPeer.Start(script, new Dictionary<string, string> { ["PYTHONPATH"] = PythonSource(), ["OMP_NUM_THREADS"] = "1" }));
    }

    /// <summary>One round trip: the caller owns (and disposes) the batches returned.</summary>
    public (Schema Schema, List<RecordBatch> Batches) RoundTrip(Schema schema, IReadOnlyList<RecordBatch> batches)
    {
        Stream stdin = _process.StandardInput.BaseStream;
        Task writing = Task.Run(() =>
        {
            using (var writer = new ArrowStreamWriter(stdin, schema, leaveOpen: true))
            {
                writer.WriteStart(); // without a batch, WriteEnd alone writes no schema
                foreach (RecordBatch batch in batches)
                {
                    writer.WriteRecordBatch(batch);
                }

                writer.WriteEnd();
            }

            stdin.Flush();
        });
        var result = new List<RecordBatch>();
        Schema resultSchema;
        using (var reader = new ArrowStreamReader(_process.StandardOutput.BaseStream, leaveOpen: true))
        {
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                result.Add(batch);
            }

            // Null when the child ended instead of answering (its error is on stderr).
            resultSchema = reader.Schema ?? throw new IOException("the Python child closed its stdout");
        }

        writing.GetAwaiter().GetResult();
        return (resultSchema, result);
    }

    public void Dispose() => PythonPeer.Stop(_process);

    /// <summary>python/data_manager/src of this repository, found upwards from the running assembly.</summary>
    private static string PythonSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "python", "data_manager", "src");
            if (Directory.Exists(Path.Combine(candidate, "data_manager")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("python/data_manager/src not found above " + AppContext.BaseDirectory);
    }
}
