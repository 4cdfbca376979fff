using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DataBridge.Servers;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Servers;

[TestFixture]
[CancelAfter(120_000)]
public sealed class ModelServerTests
{
    private string _source = null!;
    private string _target = null!;

    [SetUp]
    public void CreateTarget() => _target = Directory.CreateTempSubdirectory("databridge-model-dst-").FullName;

    [TearDown]
    public void RemoveTarget() => Directory.Delete(_target, recursive: true);

    // Built once: the 50 MB file is the slow part.
    [OneTimeSetUp]
    public void CreateModelDirectory()
    {
        _source = Directory.CreateTempSubdirectory("databridge-model-src-").FullName;
        Directory.CreateDirectory(Path.Combine(_source, "tokenizer", "vocab"));
        Directory.CreateDirectory(Path.Combine(_source, "weights"));
        File.WriteAllText(Path.Combine(_source, "config.json"), "{\"layers\": 4}");
        File.WriteAllText(Path.Combine(_source, ".hidden"), "hidden files are part of a model too");
        File.WriteAllBytes(Path.Combine(_source, "tokenizer", "vocab", "merges.txt"), [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31))]);
        File.WriteAllBytes(Path.Combine(_source, "tokenizer", "empty.bin"), []);
        byte[] big = new byte[50 * 1024 * 1024];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(Path.Combine(_source, "weights", "model.bin"), big);
    }

    [OneTimeTearDown]
    public void RemoveModelDirectory() => Directory.Delete(_source, recursive: true);

    [Test]
    public async Task Manifest_ListsNestedFilesWithSizesAndChecksums()
    {
        await using ModelServer server = ModelServer.Start(_source, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        IReadOnlyList<ModelFile> manifest = await client.ManifestAsync().WaitAsync(NoHang);

        Assert.That(manifest.Select(f => f.Path), Is.EquivalentTo(new[] { ".hidden", "config.json", "tokenizer/empty.bin", "tokenizer/vocab/merges.txt", "weights/model.bin" }));
        ModelFile big = manifest.Single(f => f.Path == "weights/model.bin");
        Assert.That(big.Size, Is.EqualTo(50 * 1024 * 1024));
        Assert.That(big.Sha256, Is.EqualTo(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(_source, "weights", "model.bin")))).ToLowerInvariant()));
        Assert.That(manifest, Is.EqualTo(server.Files));
    }

    [Test]
    public async Task Download_EveryFile_ArrivesByteIdentical()
    {
        await using ModelServer server = ModelServer.Start(_source, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        foreach (ModelFile file in await client.ManifestAsync().WaitAsync(NoHang))
        {
            string destination = Path.Combine(_target, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            await using FileStream output = File.Create(destination);
            await client.DownloadAsync(file.Path, output).WaitAsync(NoHang);
        }

        foreach (string source in Directory.EnumerateFiles(_source, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string copy = Path.Combine(_target, Path.GetRelativePath(_source, source));
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(source)), copy);
        }
    }

    [Test]
    public async Task Download_SingleFileServed_UnderItsName()
    {
        string file = Path.Combine(_source, "config.json");
        await using ModelServer server = ModelServer.Start(file, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        IReadOnlyList<ModelFile> manifest = await client.ManifestAsync().WaitAsync(NoHang);
        using var copy = new MemoryStream();
        await client.DownloadAsync("config.json", copy).WaitAsync(NoHang);

        Assert.That(manifest.Select(f => f.Path), Is.EqualTo(new[] { "config.json" }));
        Assert.That(copy.ToArray(), Is.EqualTo(File.ReadAllBytes(file)));
    }

    [Test]
    public async Task Download_CorruptedInTransit_DetectedByChecksum()
    {
        await using ModelServer server = ModelServer.Start(_source, Loopback());
        await using var proxy = new CorruptingProxy(server.Port, flipAt: 300_000);
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(proxy.Port, server.Token).WaitAsync(NoHang);

        using var copy = new MemoryStream();
        var ex = Assert.ThrowsAsync<InvalidDataException>(() => client.DownloadAsync("weights/model.bin", copy).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("weights/model.bin").And.Contain("SHA-256"));
        Assert.That(proxy.Flipped, Is.True);
    }

    [TestCase("../outside.txt")]
    [TestCase("/etc/passwd")]
    [TestCase("weights")]
    public async Task File_PathNotInManifest_ErrorAndClosed(string path)
    {
        File.WriteAllText(Path.Combine(_target, "outside.txt"), "secret");
        await using ModelServer server = ModelServer.Start(_source, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => client.DownloadAsync(path, Stream.Null).WaitAsync(NoHang));

        Assert.That(ex!.Message, Does.Contain("No such file"));
        Assert.That(await client.BytesUntilClosedAsync(NoHang), Is.Zero);
    }

    [TestCase("wrong")]
    [TestCase(null)]
    public async Task Handshake_WrongOrMissingToken_ClosedWithoutAByte(string? presented)
    {
        await using ModelServer server = ModelServer.Start(_source, Loopback());
        await using ServerTestClient client = await ServerTestClient.ConnectRawAsync(server.Port);

        Assert.CatchAsync(() => client.HandshakeAsync(presented is null ? null : new string('A', 64)).WaitAsync(NoHang));
        Assert.That(client.Reader.Buffered, Is.Zero);
    }

    [Test]
    public async Task IdleTimeout_ClosesAfterTimeoutNotBefore_ResetByConnection()
    {
        var time = new FakeTimeProvider();
        await using ModelServer server = ModelServer.Start(_source, Loopback(time));
        int port = server.Port;

        time.Advance(TimeSpan.FromMinutes(3));
        await using (ServerTestClient client = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
        {
            await client.ManifestAsync().WaitAsync(NoHang);
        }

        await WaitIdleAsync(server.Socket);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.That(server.IsClosed, Is.False);

        time.Advance(TimeSpan.FromSeconds(1));
        await server.Completion.WaitAsync(NoHang);
        Assert.That(PortIsFree(port), Is.True);
    }

    [Test]
    public async Task Dispose_ClosesAndFreesPort()
    {
        ModelServer server = ModelServer.Start(_source, Loopback());
        int port = server.Port;

        await server.DisposeAsync().AsTask().WaitAsync(NoHang);

        Assert.That(server.IsClosed && PortIsFree(port), Is.True);
    }
}
