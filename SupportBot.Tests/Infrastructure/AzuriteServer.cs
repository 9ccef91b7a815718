using System.Diagnostics;
using Azure.Storage.Blobs;
using SupportBot.Storage.Blob;
using Xunit;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A real Azurite blob service (npm <c>azurite</c>, installed with the other peers) on a loopback port, its
/// data in a folder of its own so it can be stopped and started again on the same port and data.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's fixed development account, documented with Azurite; it guards nothing.</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;

    private AzuriteServer(int port, string dataFolder)
    {
        Port = port;
        DataFolder = dataFolder;
    }

    public int Port { get; }

    public string DataFolder { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteServer> StartAsync()
    {
        await NodePeer.EnsureInstalledAsync();
        var server = new AzuriteServer(Loopback.FreePort(), TempFolder.Create("azurite"));
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts Azurite again on the same port and data folder (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = NodePeer.Folder };
        foreach (var arg in new[]
                 {
                     Path.Combine("node_modules", "azurite", "dist", "src", "blob", "main.js"),
                     "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", DataFolder, "--silent",
                     "--disableTelemetry", // tests talk to loopback only; with telemetry on, Azurite also waits for it on shutdown
                 })
        {
            start.ArgumentList.Add(arg);
        }
        _process = await Loopback.StartListeningAsync(start, Port, TimeSpan.FromSeconds(30), "Azurite exited");
    }

    /// <summary>Stops Azurite the way an operator would (SIGTERM), so it saves what it holds to its data folder.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }
        process.Dispose();
        _process = null;
    }

    /// <summary>A new empty container with a unique name, for one test.</summary>
    public async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = Client().GetBlobContainerClient("t" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        return container;
    }

    /// <summary>A client with the same short timeouts and retries as the bot's.</summary>
    public BlobServiceClient Client() => new BlobStorageOptions { ConnectionString = ConnectionString }.Validate().CreateClient();

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>One Azurite shared by the tests of a collection; each test uses containers of its own.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
