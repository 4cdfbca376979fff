using DataBridge;
using DataBridge.TestHost;

// Starts a bridge and a run that starts a CPU-bound subprocess and reports its worker's, daemon's and
// subprocess's pids through data_manager.log, then sleeps for ten minutes. The pids reach stdout as
// "PIDS <worker> <daemon> <subprocess>"; the test kills this process with SIGKILL and checks that all three
// Python processes are gone within five seconds.
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
    import os, subprocess, sys, time
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    data_manager.log("PIDS %d %d %d" % (os.getpid(), os.getppid(), spinner.pid))
    time.sleep(600)
    """).ConfigureAwait(false);
return 0;
