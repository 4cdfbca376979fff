using System.Diagnostics;
using System.Globalization;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// <c>-- quick [rows] [iterations] [filter]</c> (or <c>-- quick scaling [iterations]</c>, or <c>-- quick transport [rows]
/// [iterations]</c>: the same transfers over TCP and over a Unix-domain socket, interleaved; or <c>-- quick onerow
/// [iterations]</c>: the warm one-row and do-nothing calls against the naive Arrow pipe): the one-way benchmarks and their socket-limit baselines called in
/// turn (interleaved, so load changes hit both alike) and their medians printed. A development aid for
/// iterating on the transfer path in seconds; the published figures come from the BenchmarkDotNet suite.
/// </summary>
internal static class QuickProbe
{
    public static int Run(string[] args)
    {
        if (args.Length > 1 && args[1] == "frames")
        {
            return Frames(args.Length > 2 ? Enum.Parse<Peers.PeerWorkload>(args[2]) : Peers.PeerWorkload.Nothing, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200);
        }

        if (args.Length > 1 && args[1] == "peers")
        {
            return PeersProbe(args.Length > 2 ? Enum.Parse<Peers.PeerWorkload>(args[2]) : Peers.PeerWorkload.Sum1M, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 9);
        }

        if (args.Length > 1 && args[1] == "shmwrite" && OperatingSystem.IsLinux())
        {
            return SharedWriteProbe(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000_000);
        }

        if (args.Length > 1 && args[1] == "repeat")
        {
            return RepeatProbe(args.Length > 2 ? Enum.Parse<Peers.PeerWorkload>(args[2]) : Peers.PeerWorkload.Identity10M, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 6);
        }

        if (args.Length > 1 && args[1] == "onerow")
        {
            return OneRow(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500);
        }

        if (args.Length > 1 && args[1] == "transport")
        {
            return Transports(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000, args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 15);
        }

        if (args.Length > 1 && args[1] == "scaling")
        {
            return Scaling(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
        }

        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        int iterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
        string filter = args.Length > 3 ? args[3] : "";
        var bench = new OneWayTransferBenchmarks { Rows = rows };
        bench.Setup();
        try
        {
            var pairs = new (string Name, Func<object> Baseline, Func<object> Subject)[]
            {
                ("numeric .NET -> pandas", () => bench.SocketLimitToPython(), () => bench.NumericToPandas().GetAwaiter().GetResult()),
                ("numeric pandas -> .NET", () => bench.SocketLimitFromPython(), () => bench.NumericFromPandas().GetAwaiter().GetResult()),
                ("numeric pandas -> .NET streamed", () => bench.SocketLimitFromPython(), () => bench.NumericFromPandasStreamed().GetAwaiter().GetResult()),
                ("utf8 .NET -> pandas", () => bench.SocketLimitStrings(), () => bench.StringsToPandas().GetAwaiter().GetResult()),
                ("utf8 pandas -> .NET", () => bench.SocketLimitStringsFromPython(), () => bench.StringsFromPandas().GetAwaiter().GetResult()),
            };
            Console.WriteLine($"{rows:N0} rows, {iterations} interleaved iterations, medians");
            foreach (var (name, baseline, subject) in pairs.Where(p => p.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                var b = new List<double>();
                var s = new List<double>();
                for (int i = 0; i < iterations; i++)
                {
                    b.Add(Time(baseline));
                    s.Add(Time(subject));
                }

                double mb = Median(b), ms = Median(s);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-32} socket {mb,8:F2} ms   bridge {ms,8:F2} ms   = {100 * mb / ms,5:F1}% of the socket limit   ({rows / ms / 1000:F2} M rows/s)"));
            }
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    // The warm one-row call (pandas identity) and the do-nothing call through DataBridge and through the naive Arrow
    // pipe, interleaved call by call, medians in microseconds; the bridge's worker timings alongside.
    private static int OneRow(int iterations)
    {
        foreach (Peers.PeerWorkload workload in new[] { Peers.PeerWorkload.OneRow, Peers.PeerWorkload.Nothing })
        {
            Peers.PeerInput input = Peers.PeerInput.Create(workload);
            using Peers.ArrowPipePeer pipe = Peers.ArrowPipePeer.Start(input.Transform);
            PythonBridge bridge = TransferParameters.NewBridge(maxWorkers: 1);
            try
            {
                var bridgeUs = new List<double>();
                var pipeUs = new List<double>();
                var workerUs = new List<double>();
                for (int i = 0; i < iterations + 20; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    using (RunResult result = Peers.PeerCalls.Batches(bridge, input).GetAwaiter().GetResult())
                    {
                        Peers.PeerResult.Touch(result.Batches);
                        if (i >= 20)
                        {
                            bridgeUs.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                            workerUs.Add((result.Timings.Init + result.Timings.Run + result.Timings.Finish).TotalMicroseconds);
                        }
                    }

                    t0 = Stopwatch.GetTimestamp();
                    (_, List<RecordBatch> batches) = pipe.RoundTrip(input.Schema, input.Batches);
                    batches.ForEach(b => b.Dispose());
                    if (i >= 20)
                    {
                        pipeUs.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{workload,-8} bridge {Median(bridgeUs),7:F0} us (worker's own part {Median(workerUs),6:F0} us)   naive pipe {Median(pipeUs),7:F0} us"));
            }
            finally
            {
                bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return 0;
    }

    // One peer workload through DataBridge over shared memory and over the socket, pythonnet, the naive Arrow pipe and the
    // loopback echo, interleaved round by round (the order rotated each round), medians in milliseconds.
    private static int PeersProbe(Peers.PeerWorkload workload, int iterations)
    {
        Peers.PeerInput input = Peers.PeerInput.Create(workload);
        PythonBridge shared = TransferParameters.NewBridge(maxWorkers: 1, SharedMemoryMode.Required);
        PythonBridge socket = TransferParameters.NewBridge(maxWorkers: 1, SharedMemoryMode.Off);
        using Peers.PythonnetPeer pythonnet = Peers.PythonnetPeer.Start(input.Transform);
        using Peers.ArrowPipePeer pipe = Peers.ArrowPipePeer.Start(input.Transform);
        bool empty = input.Transform is null;
        byte[] request = empty ? [] : Peers.PeerCalls.IpcBytes(input.Schema, input.Batches);
        byte[] replyBytes = empty ? [] : Peers.PeerCalls.IpcBytes(input.ExpectedSchema, input.Expected);
        byte[] reply = new byte[replyBytes.Length];
        using Peers.LoopbackEcho echo = Peers.LoopbackEcho.Start(replyBytes);
        var workerMs = new List<double[]>();
        try
        {
            var paths = new (string Name, Func<long> Call)[]
            {
                ("DataBridge shared memory", () =>
                {
                    using RunResult result = Peers.PeerCalls.Batches(shared, input).GetAwaiter().GetResult();
                    workerMs.Add(new[] { result.Timings.Init, result.Timings.Run, result.Timings.Finish }.Select(t => t.TotalMilliseconds).ToArray());
                    return Peers.PeerResult.Touch(result.Batches);
                }),
                ("DataBridge socket", () =>
                {
                    using RunResult result = Peers.PeerCalls.Batches(socket, input).GetAwaiter().GetResult();
                    return Peers.PeerResult.Touch(result.Batches);
                }),
                ("pythonnet", () => Peers.PeerResult.Touch(pythonnet.Run(input).Columns)),
                ("naive Arrow pipe", () =>
                {
                    (_, List<RecordBatch> batches) = pipe.RoundTrip(input.Schema, input.Batches);
                    long touched = Peers.PeerResult.Touch(batches);
                    batches.ForEach(b => b.Dispose());
                    return touched;
                }),
                ("loopback socket", () => echo.RoundTrip(request, reply)),
            };
            var times = paths.Select(_ => new List<double>()).ToArray();
            for (int i = 0; i < iterations + 2; i++)
            {
                for (int k = 0; k < paths.Length; k++)
                {
                    int p = (k + i) % paths.Length;
                    double ms = Time(() => paths[p].Call());
                    if (i >= 2)
                    {
                        times[p].Add(ms);
                    }
                }
            }

            double baseline = Median(times[2]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload}, {iterations} interleaved rounds, medians; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            for (int p = 0; p < paths.Length; p++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {paths[p].Name,-26} {Median(times[p]),9:F3} ms  ({Median(times[p]) / baseline:F2}x pythonnet)"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  shared memory, the worker's own part: init {Median([.. workerMs.Select(w => w[0])]):F2} ms, run {Median([.. workerMs.Select(w => w[1])]):F2} ms, finish {Median([.. workerMs.Select(w => w[2])]):F2} ms"));
        }
        finally
        {
            shared.DisposeAsync().AsTask().GetAwaiter().GetResult();
            socket.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return 0;
    }

    // The bridge's side of the shared-memory input path alone: batches sliced as a run slices them, written by the IPC
    // writer into a region (the frames to a null stream), then the region cleared as between runs; no worker.
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static int SharedWriteProbe(int rows)
    {
        List<RecordBatch> batches = TransferData.Numeric(rows);
        using var region = DataBridge.Workers.SharedMemory.SharedRegion.Create(1L << 30, "databridge-probe");
        for (int i = 0; i < 6; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var frames = new DataBridge.Protocol.FrameWriter(Stream.Null, 64 * 1024);
            using var stream = new DataBridge.Protocol.DataWriteStream(frames, region);
            using (var writer = new DataBridge.Ipc.ArrowIpcWriter(stream, batches[0].Schema, leaveOpen: true))
            {
                foreach (RecordBatch batch in batches)
                {
                    foreach (RecordBatch slice in DataBridge.Internal.BatchSlicer.Slice(batch, 65_536, 64 << 20))
                    {
                        writer.WriteRecordBatchAsync(slice, [], CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    }

                    stream.Flush();
                }

                writer.WriteEndAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            double write = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            region.Clear(stream.SharedBytesUsed);
            double clear = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows, {stream.SharedBytesUsed / 1e6:F0} MB: write {write:F1} ms ({stream.SharedBytesUsed / write / 1e6:F2} GB/s), clear {clear:F1} ms"));
        }

        return 0;
    }

    // Back-to-back calls on one bridge (as a BenchmarkDotNet iteration makes them), shared memory against the socket in
    // alternating blocks of three: what the clearing between runs costs when the next run follows at once.
    private static int RepeatProbe(Peers.PeerWorkload workload, int blocks)
    {
        Peers.PeerInput input = Peers.PeerInput.Create(workload);
        var bridges = new[] { SharedMemoryMode.Required, SharedMemoryMode.Off }.Select(m => (Mode: m, Bridge: TransferParameters.NewBridge(maxWorkers: 1, m))).ToArray();
        try
        {
            var times = bridges.ToDictionary(b => b.Mode, _ => new List<double>());
            for (int i = 0; i <= blocks; i++)
            {
                foreach ((SharedMemoryMode mode, PythonBridge bridge) in i % 2 == 0 ? bridges : bridges.Reverse())
                {
                    for (int k = 0; k < 3; k++)
                    {
                        double ms = Time(() =>
                        {
                            using RunResult result = Peers.PeerCalls.Batches(bridge, input).GetAwaiter().GetResult();
                            return Peers.PeerResult.Touch(result.Batches);
                        });
                        if (i > 0)
                        {
                            times[mode].Add(ms);
                        }
                    }
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload}, back to back, {blocks} blocks of 3 per mode, medians; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            foreach ((SharedMemoryMode mode, _) in bridges)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {mode,-9} {Median(times[mode]),9:F3} ms"));
            }
        }
        finally
        {
            foreach ((_, PythonBridge bridge) in bridges)
            {
                bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return 0;
    }

    // One peer workload through batches, ArrowFrame and an MDA frame, interleaved call by call, medians in milliseconds.
    private static int Frames(Peers.PeerWorkload workload, int iterations)
    {
        Peers.PeerInput input = Peers.PeerInput.Create(workload);
        Microsoft.Data.Analysis.DataFrame mda = input.ToMdaFrame();
        PythonBridge bridge = TransferParameters.NewBridge(maxWorkers: 1);
        try
        {
            var paths = new (string Name, Func<long> Call)[]
            {
                ("batches", () =>
                {
                    using RunResult result = Peers.PeerCalls.Batches(bridge, input).GetAwaiter().GetResult();
                    return Peers.PeerResult.Touch(result.Batches);
                }),
                ("ArrowFrame", () => Peers.PeerResult.Touch(Peers.PeerCalls.ArrowFrameArrays(bridge, input).GetAwaiter().GetResult().Columns)),
                ("MDA frame", () => Peers.PeerResult.Touch(Peers.PeerCalls.Mda(bridge, input, mda).GetAwaiter().GetResult())),
            };
            var times = paths.Select(_ => new List<double>()).ToArray();
            for (int i = 0; i < iterations + 5; i++)
            {
                for (int p = 0; p < paths.Length; p++)
                {
                    double ms = Time(() => paths[p].Call());
                    if (i >= 5)
                    {
                        times[p].Add(ms);
                    }
                }
            }

            double baseline = Median(times[0]);
            for (int p = 0; p < paths.Length; p++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload} {paths[p].Name,-11} {Median(times[p]),9:F3} ms  ({Median(times[p]) / baseline:F2}x batches)"));
            }
        }
        finally
        {
            bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return 0;
    }

    // The same transfers over a bridge on each worker transport, interleaved call by call: which carries bulk data faster.
    private static int Transports(int rows, int iterations)
    {
        const string countRows = "n = 0\nfor df in data_manager.fetch_once():\n    n += len(df)\ndata_manager.set_output({'n': [n]})";
        const string echo = "data_manager.set_output(data_manager.fetch_once_as_batches())";
        List<RecordBatch> numeric = TransferData.Numeric(rows);
        var bridges = new[] { WorkerTransport.Tcp, WorkerTransport.UnixSocket }.Select(t => (Transport: t, Bridge: new PythonBridge(new PythonBridgeOptions
        {
            PythonExecutable = PythonPeer.Python,
            MaxWorkers = 1,
            WorkerTransport = t,
            Environment = { ["OMP_NUM_THREADS"] = "1", ["OPENBLAS_NUM_THREADS"] = "1" },
        }))).ToArray();
        try
        {
            Console.WriteLine($"{rows:N0} numeric rows, {iterations} interleaved iterations, medians");
            foreach ((string name, string code) in new[] { (".NET -> pandas (count rows)", countRows), ("round trip (batches echoed)", echo) })
            {
                var times = bridges.ToDictionary(b => b.Transport, _ => new List<double>());
                for (int i = 0; i <= iterations; i++)
                {
                    foreach ((WorkerTransport transport, PythonBridge bridge) in i % 2 == 0 ? bridges : bridges.Reverse())
                    {
                        double ms = Time(() =>
                        {
                            using RunResult result = bridge.RunAsync(numeric, code).GetAwaiter().GetResult();
                            return result.RowCount;
                        });
                        if (i > 0)
                        {
                            times[transport].Add(ms); // the first round warms each bridge up
                        }
                    }
                }

                double tcp = Median(times[WorkerTransport.Tcp]), unix = Median(times[WorkerTransport.UnixSocket]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-30} tcp {tcp,8:F2} ms   unix {unix,8:F2} ms   unix/tcp = {unix / tcp:F2}"));
            }
        }
        finally
        {
            foreach ((_, PythonBridge bridge) in bridges)
            {
                bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        return 0;
    }

    // parallelism 1 and 2 in turn, medians, and the per-partition timings of the last parallel call.
    private static int Scaling(int iterations)
    {
        var bench = new ScalingBenchmarks { RowsPerPartition = 100_000 };
        bench.Setup();
        try
        {
            var one = new List<double>();
            var two = new List<double>();
            var lines = new List<string>();
            for (int i = 0; i < iterations; i++)
            {
                one.Add(Time(() => bench.Run(1).GetAwaiter().GetResult()));
                lines.Clear();
                two.Add(Time(() => bench.Run(2, r => lines.Add($"  partition {r.Partition}: worker {r.WorkerProcessId}, {r.Timings}")).GetAwaiter().GetResult()));
            }

            double m1 = Median(one), m2 = Median(two);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parallelism 1: {m1:F1} ms, parallelism 2: {m2:F1} ms = {m1 / m2:F2}x"));
            lines.ForEach(Console.WriteLine);
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    private static double Time(Func<object> action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
