using System.Runtime.ExceptionServices;
using DataBridge.Protocol;
using DataBridge.Workers;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// Drives one run over a <see cref="WorkerConnection"/> with raw bytes instead of Arrow streams, the way
/// <c>PythonBridge</c> does with its Arrow reader and writer: input written concurrently, output read to its
/// end, then completed against the counts the "reader" saw, failures classified by the run. <c>ready</c> says the input
/// is all at hand (as the bridge does for an in-memory collection); <c>beforeInput</c> runs before the input is written.
/// </summary>
internal static class RawRun
{
    public static async Task<RawRunResult> ExecuteAsync(
        WorkerConnection connection,
        byte[] input,
        Trailer inputCounts,
        Trailer seenOutputCounts,
        string code = "data_manager.set_output([])",
        CancellationToken cancellationToken = default,
        ReadyInput? ready = null,
        Func<Task>? beforeInput = null)
    {
        var logs = new List<LogRecord>();
        var header = new RunHeader(Guid.NewGuid().ToString("N"), 0, Internal.CodeHash.Compute(code, out _), code, new Dictionary<string, string> { ["GROUP_ID"] = "g1" }, 100, 1 << 20, "UTC");
        WorkerRun run = await connection.StartRunAsync(
            header,
            async (stream, ct) =>
            {
                if (beforeInput is not null)
                {
                    await beforeInput();
                }

                await stream.WriteAsync(input, ct);
                await stream.FlushAsync(ct);
                return inputCounts;
            },
            record =>
            {
                lock (logs)
                {
                    logs.Add(record);
                }
            },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            cancellationToken,
            ready);
        await using (run)
        {
            using var output = new MemoryStream();
            try
            {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = await run.Output.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    output.Write(buffer, 0, read);
                }
            }
            catch (Exception ex)
            {
                ExceptionDispatchInfo.Throw(await run.FailAsync(ex));
            }

            await run.CompleteAsync(seenOutputCounts.Rows, seenOutputCounts.Batches);
            return new RawRunResult(output.ToArray(), logs, run.Output.Timings, run.IsClean);
        }
    }
}

internal sealed record RawRunResult(byte[] Output, List<LogRecord> Logs, RunTimings? Timings, bool Clean);
