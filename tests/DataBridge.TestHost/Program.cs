using DataBridge;
using DataBridge.TestHost;

// Starts a bridge and a run that reports its worker's and daemon's pids through data_manager.log, then
// sleeps for ten minutes. The pids reach stdout as "PIDS <worker> <daemon>"; the test kills this process with
// SIGKILL and checks that both Python processes are gone within five seconds.
string python = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON") ?? "python3";
await using var bridge = new PythonBridge(new PythonBridgeOptions
{
    PythonExecutable = python,
    MaxWorkers = 1,
    Logger = new ConsoleLineLogger(),
});
Console.Out.WriteLine("STARTED");
await bridge.RunAsync(
    [],
    """
    import os, time
    data_manager.log("PIDS %d %d" % (os.getpid(), os.getppid()))
    time.sleep(600)
    """).ConfigureAwait(false);
return 0;
