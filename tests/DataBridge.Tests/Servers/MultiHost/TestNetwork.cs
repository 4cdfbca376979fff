using System.Diagnostics;
using System.Globalization;
using System.Net;
using DataBridge.Internal;

namespace DataBridge.Tests.Servers.MultiHost;

/// <summary>
/// Hosts of the tests' own on this machine, made of Linux network namespaces. Every host has one veth link to
/// a bridge that lives in a "switch" namespace of its own:
/// <code>
///   root namespace (the test process)          switch namespace            host namespaces
///   dbmh{pid}d{n}  10.a.b.1  "driver" ─ veth ─ drv ┐
///                                                  ├─ br0 ─┬─ sched ─ veth ─ eth0 10.a.b.2   dask-scheduler
///                                                  │       ├─ w1    ─ veth ─ eth0 10.a.b.11  dask-worker
///                                                  │       └─ w2 …  ─ veth ─ eth0 10.a.b.12  dask-worker
/// </code>
/// The driver host is the root namespace's end of a veth, not a namespace: the .NET data server binds its
/// address, and the bridge's own Python workers (the Dask driver among them) talk to the .NET process over
/// loopback and to the scheduler over this link, as on a real driver machine. (A listener can also be put in a
/// namespace by calling setns on a dedicated thread before creating the socket — it works — but the driver's
/// Python worker would then sit on the wrong side of the network.)
/// <para>
/// Addresses are a random private /24 (10.a.b.0) that the root namespace routes nowhere yet; the hosts have no
/// default route (they reach the bridge's subnet only), so nothing they send leaves the machine. Names carry the
/// creating process id (<c>dbmh-{pid}-{n}-{role}</c>, link <c>dbmh{pid}d{n}</c>): a new network first removes
/// those of processes that no longer exist, so a run that was killed cannot collide with the next.
/// </para>
/// </summary>
internal sealed class TestNetwork : IAsyncDisposable
{
    /// <summary>The prefix of every namespace and root link the tests create.</summary>
    public const string Prefix = "dbmh";

    private const string Bridge = "br0";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string?> Reason = new(FindReason);
    private static int _networks;

    private readonly string _run;
    private readonly string _switch;
    private readonly List<string> _namespaces = [];
    private readonly List<Host> _workers = [];
    private Host? _driver;
    private Host? _scheduler;

    private TestNetwork(string run, string subnet)
    {
        _run = run;
        _switch = run + "-sw";
        Subnet = subnet;
    }

    /// <summary>The hosts' /24, e.g. <c>10.187.4</c> (without the last byte).</summary>
    public string Subnet { get; }

    /// <summary>The driver host: the root namespace's end of its link (<see cref="Host.Namespace"/> is null).</summary>
    public Host Driver => _driver ?? throw new InvalidOperationException("not built");

    /// <summary>The scheduler's host.</summary>
    public Host Scheduler => _scheduler ?? throw new InvalidOperationException("not built");

    /// <summary>The worker hosts, w1, w2, ….</summary>
    public IReadOnlyList<Host> Workers => _workers;

    /// <summary>The full path of <c>ip</c> (iproute2), or null.</summary>
    public static string? IpCommand { get; } =
        new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists) ?? PythonLocator.FindOnPath("ip");

    /// <summary>Why no test network can be built here (not Linux, not root, no <c>ip netns</c>), or null.</summary>
    public static string? Unavailable() => Reason.Value;

    /// <summary>Builds a network of a driver, a scheduler and <paramref name="workers"/> worker hosts.</summary>
    public static async Task<TestNetwork> CreateAsync(int workers, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (Unavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        await RemoveStaleAsync(cancellationToken).ConfigureAwait(false);
        int n = Interlocked.Increment(ref _networks);
        var network = new TestNetwork(
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Environment.ProcessId}-{n}"),
            await FreeSubnetAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            await network.BuildAsync(n, workers, cancellationToken).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts <paramref name="file"/> inside <paramref name="host"/> (<c>ip netns exec</c>), output redirected.</summary>
    public Process Start(Host host, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var psi = new ProcessStartInfo(IpCommand!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (host.Namespace is { } ns)
        {
            psi.ArgumentList.Add("netns");
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(ns);
            psi.ArgumentList.Add(file);
        }
        else
        {
            psi.FileName = file;
        }

        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file} in {host.Role}");
    }

    /// <summary>Runs <paramref name="file"/> inside <paramref name="host"/> to its end: exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(Host host, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using Process process = Start(host, file, arguments, environment);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>Takes a host's link down (<c>ip link set eth0 down</c> inside it) or up again.</summary>
    public Task SetLinkAsync(Host host, bool up, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Namespace is { } ns
            ? IpAsync(cancellationToken, "-n", ns, "link", "set", host.Device, up ? "up" : "down")
            : IpAsync(cancellationToken, "link", "set", host.Device, up ? "up" : "down");
    }

    /// <summary>
    /// Makes <paramref name="target"/> unreachable from <paramref name="host"/> without any error coming back: its
    /// neighbour entry points at a MAC address no one has, so every packet to it is silently lost (a host that
    /// vanished), while the rest of the network still works.
    /// </summary>
    public Task CutOffAsync(Host host, Host target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(target);
        return IpAsync(cancellationToken, "-n", host.Namespace!, "neigh", "replace", target.Address.ToString(), "lladdr", "02:00:00:00:00:01", "dev", host.Device, "nud", "permanent");
    }

    /// <summary>The ids of the processes running inside <paramref name="host"/>.</summary>
    public async Task<int[]> ProcessesAsync(Host host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        string output = await IpAsync(cancellationToken, "netns", "pids", host.Namespace!).ConfigureAwait(false);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
    }

    /// <summary>The host whose address is <paramref name="address"/>, or null.</summary>
    public Host? HostOf(IPAddress address) =>
        new[] { _driver, _scheduler }.Concat(_workers).FirstOrDefault(h => h is not null && h.Address.Equals(address));

    /// <summary>Kills every process of the hosts, removes the root link and every namespace. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (string ns in _namespaces)
        {
            await KillAllAsync(ns).ConfigureAwait(false);
        }

        if (_driver is not null)
        {
            await TryIpAsync("link", "del", _driver.Device).ConfigureAwait(false);
        }

        foreach (string ns in Enumerable.Reverse(_namespaces))
        {
            await TryIpAsync("netns", "del", ns).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the namespaces and root links left by test processes that no longer exist.</summary>
    public static async Task RemoveStaleAsync(CancellationToken cancellationToken)
    {
        string namespaces = await IpAsync(cancellationToken, "netns", "list").ConfigureAwait(false);
        foreach (string line in namespaces.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (name.StartsWith(Prefix + "-", StringComparison.Ordinal) && OwnerGone(name.Split('-')[1]))
            {
                await KillAllAsync(name).ConfigureAwait(false);
                await TryIpAsync("netns", "del", name).ConfigureAwait(false);
            }
        }

        string links = await IpAsync(cancellationToken, "-o", "link", "show").ConfigureAwait(false);
        foreach (string line in links.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "12: dbmh4242d1@if11: <BROADCAST,..."
            string[] fields = line.Split(':', 3);
            string name = fields.Length > 1 ? fields[1].Trim().Split('@')[0] : "";
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && name.IndexOf('d', Prefix.Length) is int d and > 0
                && OwnerGone(name[Prefix.Length..d]))
            {
                await TryIpAsync("link", "del", name).ConfigureAwait(false);
            }
        }
    }

    private async Task BuildAsync(int n, int workers, CancellationToken cancellationToken)
    {
        await AddNamespaceAsync(_switch, cancellationToken).ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", _switch, "link", "add", Bridge, "type", "bridge").ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", _switch, "link", "set", Bridge, "up").ConfigureAwait(false);

        // The driver's link: one end in the root namespace, its peer a port of the bridge.
        string driverLink = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}d{n}");
        await IpAsync(cancellationToken, "link", "add", driverLink, "type", "veth", "peer", "name", "drv", "netns", _switch).ConfigureAwait(false);
        _driver = new Host("driver", null, IPAddress.Parse(Subnet + ".1"), driverLink);
        await IpAsync(cancellationToken, "-n", _switch, "link", "set", "drv", "master", Bridge, "up").ConfigureAwait(false);
        await IpAsync(cancellationToken, "addr", "add", Subnet + ".1/24", "dev", driverLink).ConfigureAwait(false);
        await IpAsync(cancellationToken, "link", "set", driverLink, "up").ConfigureAwait(false);

        _scheduler = await AddHostAsync("sched", 2, cancellationToken).ConfigureAwait(false);
        for (int i = 1; i <= workers; i++)
        {
            _workers.Add(await AddHostAsync("w" + i.ToString(CultureInfo.InvariantCulture), 10 + i, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task<Host> AddHostAsync(string role, int last, CancellationToken cancellationToken)
    {
        string ns = $"{_run}-{role}";
        string address = string.Create(CultureInfo.InvariantCulture, $"{Subnet}.{last}");
        await AddNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
        await IpAsync(cancellationToken, "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", role, "netns", _switch).ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", _switch, "link", "set", role, "master", Bridge, "up").ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", ns, "addr", "add", address + "/24", "dev", "eth0").ConfigureAwait(false);
        await IpAsync(cancellationToken, "-n", ns, "link", "set", "eth0", "up").ConfigureAwait(false);
        return new Host(role, ns, IPAddress.Parse(address), "eth0");
    }

    private async Task AddNamespaceAsync(string ns, CancellationToken cancellationToken)
    {
        await IpAsync(cancellationToken, "netns", "add", ns).ConfigureAwait(false);
        _namespaces.Add(ns);
    }

    // A /24 in 10.0.0.0/8 that no route or address of the root namespace overlaps (other runs' networks included).
    private static async Task<string> FreeSubnetAsync(CancellationToken cancellationToken)
    {
        string routes = await IpAsync(cancellationToken, "-4", "route", "show", "table", "all").ConfigureAwait(false);
        var taken = new List<(uint Network, int Length)>();
        foreach (string line in routes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string destination = words[0] is "local" or "broadcast" or "unreachable" or "blackhole" or "prohibit" or "throw" or "unicast" or "multicast" or "anycast" && words.Length > 1 ? words[1] : words[0];
            if (destination == "default")
            {
                continue;
            }

            string[] parts = destination.Split('/');
            if (IPAddress.TryParse(parts[0], out IPAddress? address))
            {
                taken.Add((ToUInt(address), parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 32));
            }
        }

        for (int attempt = 0; attempt < 1000; attempt++)
        {
            uint candidate = (10u << 24) | ((uint)Random.Shared.Next(64, 255) << 16) | ((uint)Random.Shared.Next(0, 256) << 8);
            if (!taken.Any(t => Prefix24(candidate, t.Length) == Prefix24(t.Network, t.Length)))
            {
                return string.Create(CultureInfo.InvariantCulture, $"10.{(candidate >> 16) & 255}.{(candidate >> 8) & 255}");
            }
        }

        throw new InvalidOperationException("no free /24 in 10.64.0.0/10 for a test network");

        // Two networks overlap when they agree on the shorter of their prefixes (ours is a /24).
        static uint Prefix24(uint network, int length) => Math.Min(length, 24) == 0 ? 0 : network & (uint.MaxValue << (32 - Math.Min(length, 24)));
    }

    private static uint ToUInt(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        return b.Length == 4 ? ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3] : 0;
    }

    private static bool OwnerGone(string pid) =>
        int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id != Environment.ProcessId && !Directory.Exists($"/proc/{id}");

    private static async Task KillAllAsync(string ns)
    {
        (int code, string output) = await TryIpAsync("netns", "pids", ns).ConfigureAwait(false);
        if (code != 0)
        {
            return;
        }

        foreach (string pid in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using Process process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or FormatException)
            {
                // Already gone.
            }
        }
    }

    private static string? FindReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The multi-host tests build hosts from Linux network namespaces: this is not Linux.";
        }

        string? uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2);
        if (uid != "0")
        {
            return $"The multi-host tests create network namespaces and veth links, which needs root (effective uid {uid}).";
        }

        if (IpCommand is null)
        {
            return "The multi-host tests need the ip command of iproute2 (Debian: apt-get install iproute2).";
        }

        // Root in a container may still lack CAP_SYS_ADMIN/CAP_NET_ADMIN: try once.
        string probe = string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Environment.ProcessId}-probe");
        (int code, string output) = TryIpAsync("netns", "add", probe).GetAwaiter().GetResult();
        if (code != 0)
        {
            return $"'ip netns add' fails here, so no test hosts can be made: {output.Trim()}";
        }

        (code, output) = TryIpAsync("-n", probe, "link", "add", "probe0", "type", "bridge").GetAwaiter().GetResult();
        TryIpAsync("netns", "del", probe).GetAwaiter().GetResult();
        return code != 0 ? $"bridges cannot be created in a network namespace here: {output.Trim()}" : null;
    }

    private static async Task<string> IpAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        (int code, string output) = await RunIpAsync(arguments, cancellationToken).ConfigureAwait(false);
        return code == 0 ? output : throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed (exit {code}): {output.Trim()}");
    }

    private static Task<(int ExitCode, string Output)> TryIpAsync(params string[] arguments) => RunIpAsync(arguments, CancellationToken.None);

    private static async Task<(int ExitCode, string Output)> RunIpAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(IpCommand!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    /// <summary>A test host: its role (driver, sched, w1, …), its namespace (null for the driver), address and link.</summary>
    internal sealed record Host(string Role, string? Namespace, IPAddress Address, string Device);
}
