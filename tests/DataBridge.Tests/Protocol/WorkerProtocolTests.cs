using System.Diagnostics;
using System.Text;
using DataBridge.Internal;
using DataBridge.Protocol;
using DataBridge.Workers;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// The .NET side of the worker protocol against an in-process fake worker (issue 4, acceptance 6): every
/// malformed or hostile answer ends in a clear <see cref="DataBridgeException"/>, never a hang.
/// </summary>
[TestFixture]
[CancelAfter(20_000)]
public sealed class WorkerProtocolTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);
    private static readonly byte[] Input = Encoding.ASCII.GetBytes("input arrow bytes");
    private static readonly byte[] Output = Encoding.ASCII.GetBytes("output arrow bytes");

    [Test]
    public async Task Connect_WrongToken_WorkerClosesAndHostThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s => await s.AcceptHandshakeAsync());
        var wrong = SecretToken.FromHex(new string('0', 64));

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => fake.ConnectAsync(token: wrong).WaitAsync(NoHang));
        Assert.That(ex!.Message, Does.Contain("rejected the token"));
    }

    [Test]
    public async Task Connect_RightToken_LearnsWorkerPid()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync(pid: 777);
            await s.ServeBetweenRunsAsync();
        });

        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        Assert.That(connection.ProcessId, Is.EqualTo(777));
    }

    [Test]
    public async Task Connect_DoesNotPinKernelSocketBuffersToBufferSize()
    {
        // The fake connects with BufferSize = 4 KiB. Setting SO_RCVBUF/SO_SNDBUF from it (as the bridge once did)
        // turns off TCP auto-tuning and halves large transfers; left alone they are at least the kernel's defaults.
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync(pid: 777);
            await s.ServeBetweenRunsAsync();
        });
        using var untouched = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);

        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        Assert.That(connection.SocketBufferSizes.Receive, Is.GreaterThanOrEqualTo(untouched.ReceiveBufferSize));
        Assert.That(connection.SocketBufferSizes.Send, Is.GreaterThanOrEqualTo(untouched.SendBufferSize));
    }

    [Test]
    public async Task Connect_WorkerNeverAnswers_TimesOutWithDataBridgeException()
    {
        await using var fake = new FakeWorker(async s => await Task.Delay(Timeout.Infinite, s.Stop));
        var clock = Stopwatch.StartNew();

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => fake.ConnectAsync(TimeSpan.FromMilliseconds(300)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("did not complete within"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Connect_WrongMagicInAnswer_ThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.ReadExactAsync(12 + 64);
            await s.Stream.WriteAsync("XXXX\u0001\0\0\0\u0001\0\0\0"u8.ToArray());
        });

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => fake.ConnectAsync().WaitAsync(NoHang));
        Assert.That(ex!.Message, Does.Contain("magic"));
    }

    [Test]
    public async Task Run_CleanRun_DeliversOutputLogsTimingsAndSendsInputWithTrailer()
    {
        FakeRunInput? received = null;
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            received = await s.ReadRunAsync();
            await s.WriteJsonFrameAsync(FrameCode.Log, """{"level":"info","stream":"stdout","message":"hello from python"}""");
            await s.WriteDataAsync(Output[..5]);
            await s.WriteJsonFrameAsync(FrameCode.Log, """{"level":"warning","stream":"log","message":"between chunks"}""");
            await s.WriteDataAsync(Output[5..]);
            await s.WriteCleanEndAsync(3, 1);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        RawRunResult result = await RawRun.ExecuteAsync(connection, Input, new Trailer(7, 2), new Trailer(3, 1)).WaitAsync(NoHang);

        Assert.That(result.Output, Is.EqualTo(Output));
        Assert.That(result.Clean, Is.True);
        Assert.That(result.Logs.Select(l => l.Message), Is.EqualTo(new[] { "hello from python", "between chunks" }));
        Assert.That(result.Logs[1].Level, Is.EqualTo("warning"));
        Assert.That(result.Timings!.Boot, Is.EqualTo(TimeSpan.FromMilliseconds(1.5)));
        Assert.That(received!.Data, Is.EqualTo(Input));
        Assert.That(received.Trailer, Is.EqualTo(new Trailer(7, 2)));
        Assert.That(received.Header.RootElement.GetProperty("conf").GetProperty("GROUP_ID").GetString(), Is.EqualTo("g1"));
        Assert.That(received.Header.RootElement.GetProperty("code").GetString(), Is.EqualTo("data_manager.set_output([])"));
        Assert.That(await connection.PingAsync(CancellationToken.None).WaitAsync(NoHang), Is.True);
    }

    [Test]
    public async Task Run_SmallReadyInput_HeaderInputAndClosingFramesArriveInOneWrite()
    {
        int availableAfterHeader = -1;
        FakeRunInput? received = null;
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            byte[] header = await s.ReadRunHeaderAsync();
            availableAfterHeader = s.Stream.Socket.Available;
            received = await s.ReadRunInputAsync(header);
            await s.WriteDataAsync(Output);
            await s.WriteCleanEndAsync(3, 1);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        RawRunResult result = await RawRun.ExecuteAsync(connection, Input, new Trailer(7, 2), new Trailer(3, 1), ready: new ReadyInput(Input.Length)).WaitAsync(NoHang);

        Assert.That(result.Clean, Is.True);
        Assert.That(received!.Data, Is.EqualTo(Input));
        // One data chunk (prefix + bytes), TRAILER (prefix + 16 bytes), END_OF_DATA: all there with the header.
        Assert.That(availableAfterHeader, Is.EqualTo(4 + Input.Length + 4 + 16 + 4), "the rest of the run came in the header's write");
    }

    [Test]
    public async Task Run_StreamedInput_HeaderGoesOutBeforeTheInputIsProduced()
    {
        var headerRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FakeRunInput? received = null;
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            byte[] header = await s.ReadRunHeaderAsync();
            headerRead.SetResult();
            received = await s.ReadRunInputAsync(header);
            await s.WriteDataAsync(Output);
            await s.WriteCleanEndAsync(3, 1);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        // The input is produced only once the worker has the header: a header held back for the input would hang here.
        RawRunResult result = await RawRun.ExecuteAsync(connection, Input, new Trailer(7, 2), new Trailer(3, 1), beforeInput: () => headerRead.Task.WaitAsync(NoHang)).WaitAsync(NoHang);

        Assert.That(result.Clean, Is.True);
        Assert.That(received!.Data, Is.EqualTo(Input));
    }

    [Test]
    public async Task Run_SecondRunOfSameCode_OmitsCodeTextButKeepsHash()
    {
        var headers = new List<FakeRunInput>();
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            for (int i = 0; i < 2; i++)
            {
                headers.Add(await s.ReadRunAsync());
                await s.WriteCleanEndAsync(0, 0);
            }

            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        await RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang);
        await RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang);

        Assert.That(headers[0].Header.RootElement.TryGetProperty("code", out _), Is.True);
        Assert.That(headers[1].Header.RootElement.TryGetProperty("code", out _), Is.False);
        Assert.That(
            headers[1].Header.RootElement.GetProperty("code_hash").GetString(),
            Is.EqualTo(headers[0].Header.RootElement.GetProperty("code_hash").GetString()).And.Length.EqualTo(64));
    }

    [Test]
    public async Task Run_PythonException_ThrowsPythonWorkerExceptionAndWorkerStaysReusable()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteDataAsync(Output);
            await s.WriteJsonFrameAsync(FrameCode.PythonException, """{"type":"ValueError","message":"bad value","traceback":"Traceback (most recent call last):\n  File \"<databridge>\", line 1\nValueError: bad value\n"}""");
            await s.WriteJsonFrameAsync(FrameCode.Timing, """{"boot_ms":0,"init_ms":0,"run_ms":0,"finish_ms":0}""");
            await s.WriteInt32Async(FrameCode.EndOfData);
            await s.WriteInt32Async(FrameCode.EndOfStream);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<PythonWorkerException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.PythonType, Is.EqualTo("ValueError"));
        Assert.That(ex.PythonMessage, Is.EqualTo("bad value"));
        Assert.That(ex.PythonTraceback, Does.Contain("line 1"));
        Assert.That(connection.IsAborted, Is.False);
        Assert.That(await connection.PingAsync(CancellationToken.None).WaitAsync(NoHang), Is.True);
    }

    [Test]
    public async Task Run_ConnectionClosedMidChunk_ThrowsWorkerCrashedExceptionWithExitReport()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(1000);
            await s.Stream.WriteAsync(Output);
        });
        fake.ExitReport = new WorkerExit(FakeWorker.WorkerPid, null, 11, "Fatal Python error: Segmentation fault\n");
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Signal, Is.EqualTo(11));
        Assert.That(ex.ExitCode, Is.Null);
        Assert.That(ex.StderrTail, Does.Contain("Segmentation fault"));
        Assert.That(ex.Message, Does.Contain("SIGSEGV"));
        Assert.That(ex.IsTransient, Is.True);
        Assert.That(connection.IsAborted, Is.True);
        Assert.That(fake.KillRequests, Is.Empty, "a worker that ended by itself is never killed: the report says how it ended");
    }

    [Test]
    public async Task Run_ConnectionBrokenWithoutExitReport_WaitsForTheReportBeforeKilling()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(1000);
            await s.Stream.WriteAsync(Output);
        });
        fake.ExitReport = null;
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("reported no exit"));
        Assert.That(fake.HostCalls.Take(3), Is.EqualTo(new[] { "wait-exit", "kill", "wait-exit" }), "the report is awaited first; the kill only after it did not come");
    }

    [Test]
    public async Task Run_WorkerClosesBeforeReadingItsInput_ReportIsReadAndWorkerNeverKilled()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadExactAsync(4);
            await s.ReadExactAsync(await s.ReadInt32Async());
        });
        fake.ExitReport = new WorkerExit(FakeWorker.WorkerPid, 3, null, "exit 3 after reading the header\n");
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);
        byte[] largeInput = new byte[8 << 20];

        // The input writer fails on the closed socket while the output reader sees the end: neither may kill.
        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => RawRun.ExecuteAsync(connection, largeInput, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.ExitCode, Is.EqualTo(3));
        Assert.That(ex.StderrTail, Does.Contain("exit 3 after reading the header"));
        Assert.That(fake.KillRequests, Is.Empty);
    }

    [Test]
    public async Task Run_TruncatedControlFrame_ThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(FrameCode.Log);
            await s.WriteInt32Async(100);
            await s.Stream.WriteAsync("{\"lev"u8.ToArray());
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.InnerException, Is.InstanceOf<DataBridgeException>());
        Assert.That(ex.InnerException!.Message, Does.Contain("LOG"));
    }

    [Test]
    public async Task Run_UnknownFrameCode_ThrowsDataBridgeExceptionNamingTheCode()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(-42);
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("unknown frame code -42"));
        Assert.That(connection.IsAborted, Is.True);
        Assert.That(fake.KillRequests, Does.Contain(FakeWorker.WorkerPid));
    }

    [Test]
    public async Task Run_ReservedStartArrowStreamCode_ThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(FrameCode.StartArrowStream);
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("START_ARROW_STREAM"));
    }

    [TestCase(FrameCode.Log, 100 * 1024 * 1024, "exceeds the maximum")]
    [TestCase(FrameCode.PythonException, int.MaxValue, "exceeds the maximum")]
    [TestCase(FrameCode.Timing, -5, "negative payload length")]
    public async Task Run_OversizedOrNegativeLength_ThrowsDataBridgeExceptionWithoutAllocating(int code, int length, string expected)
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteInt32Async(code);
            await s.WriteInt32Async(length);
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain(expected).And.Contain(FrameCode.Name(code)));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, Is.LessThan(16 * 1024 * 1024));
    }

    [Test]
    public async Task Run_MissingTrailer_ThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteDataAsync(Output);
            await s.WriteInt32Async(FrameCode.EndOfData);
            await s.WriteInt32Async(FrameCode.EndOfStream);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(2, 1)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("without a TRAILER"));
        Assert.That(connection.IsAborted, Is.True);
    }

    [Test]
    public async Task Run_TrailerCountsDisagreeWithStream_ThrowsDataBridgeException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteDataAsync(Output);
            await s.WriteCleanEndAsync(10, 2);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(7, 2)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("announces 10 rows in 2 batches").And.Contain("7 rows in 2 batches"));
    }

    [Test]
    public async Task Run_EndWithoutEndOfStream_ThrowsWorkerCrashedException()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteTrailerAsync(0, 0);
            await s.WriteInt32Async(FrameCode.EndOfData);
        });
        fake.ExitReport = new WorkerExit(FakeWorker.WorkerPid, 1, null, string.Empty);
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task Run_BadJsonPayload_ThrowsDataBridgeExceptionNamingTheFrame()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteJsonFrameAsync(FrameCode.Log, "[1, 2");
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0)).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("LOG frame"));
    }

    [Test]
    public async Task Run_Cancelled_KillsWorkerAndEndsWithoutWaitingForIt()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();

        Assert.CatchAsync<OperationCanceledException>(() => RawRun.ExecuteAsync(connection, Input, new Trailer(1, 1), new Trailer(0, 0), cancellationToken: cancel.Token).WaitAsync(NoHang));

        // The fake never answers, so any bound proves the cancel ended the run; 10 s leaves room for a loaded machine.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(fake.KillRequests, Does.Contain(FakeWorker.WorkerPid));
        Assert.That(connection.IsAborted, Is.True);
    }

    [Test]
    public async Task Run_WorkerWritesLargeOutputBeforeReadingLargeInput_DoesNotDeadlock()
    {
        byte[] bigInput = new byte[8 * 1024 * 1024];
        byte[] bigOutput = new byte[8 * 1024 * 1024];
        Random.Shared.NextBytes(bigOutput);
        FakeRunInput? received = null;
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();

            // All output first (far more than the socket buffers hold), then the input.
            for (int offset = 0; offset < bigOutput.Length; offset += 1 << 20)
            {
                await s.WriteDataAsync(bigOutput[offset..(offset + (1 << 20))]);
            }

            received = await s.ReadRunAsync();
            await s.WriteCleanEndAsync(1, 1);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        RawRunResult result = await RawRun.ExecuteAsync(connection, bigInput, new Trailer(1, 1), new Trailer(1, 1)).WaitAsync(NoHang);

        Assert.That(result.Output, Is.EqualTo(bigOutput));
        Assert.That(received!.Data, Has.Length.EqualTo(bigInput.Length));
    }

    [Test]
    public async Task Ping_WorkerAnswersSomethingElse_ReturnsFalseAndBreaksConnection()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadInt32Async();
            await s.WriteInt32Async(FrameCode.EndOfData);
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);

        Assert.That(await connection.PingAsync(CancellationToken.None).WaitAsync(NoHang), Is.False);
        Assert.That(connection.IsAborted, Is.True);
    }

    [Test]
    public async Task Ping_WorkerSilent_ReturnsFalseAfterConnectTimeout()
    {
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await Task.Delay(Timeout.Infinite, s.Stop);
        });
        await using WorkerConnection connection = await fake.ConnectAsync(TimeSpan.FromMilliseconds(300)).WaitAsync(NoHang);

        Assert.That(await connection.PingAsync(CancellationToken.None).WaitAsync(NoHang), Is.False);
    }
}
