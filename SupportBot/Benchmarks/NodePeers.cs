using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace SupportBot.Benchmarks;

/// <summary>The Node.js programs <c>benchmark load</c> runs beside SupportBot, each a folder with a package.json under
/// SupportBot/Benchmarks (installed with npm the first time): <c>js-sdk-bot</c>, the Bot Framework JS SDK bot, and
/// <c>azurite</c>, the Blob Storage emulator the <c>blob</c> target stores in.</summary>
internal static class NodePeers
{
    /// <summary>Azurite's fixed development account, documented with Azurite; it guards nothing.</summary>
    private const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string AzuriteConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteAccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public static ProcessStartInfo JsSdkBot(int port) => Node("js-sdk-bot", "index.js", port.ToString(CultureInfo.InvariantCulture));

    /// <summary>Azurite's blob service on <paramref name="port"/>, keeping its data in <paramref name="dataFolder"/>.</summary>
    public static ProcessStartInfo Azurite(int port, string dataFolder) => Node("azurite", Path.Combine("node_modules", "azurite", "dist", "src", "blob", "main.js"),
        "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", dataFolder, "--silent", "--disableTelemetry");

    /// <summary>Runs <c>npm install</c> in the peer's folder unless <paramref name="package"/> is there already.</summary>
    public static bool EnsureInstalled(string peer, string package)
    {
        var folder = Folder(peer);
        if (Directory.Exists(Path.Combine(folder, "node_modules", package)))
        {
            return true;
        }
        Console.WriteLine($"npm install in {folder}");
        var start = new ProcessStartInfo("npm") { WorkingDirectory = folder, UseShellExecute = false };
        start.ArgumentList.Add("install");
        start.ArgumentList.Add("--no-audit");
        start.ArgumentList.Add("--no-fund");
        // botbuilder-dialogs' postinstall runs `npx rimraf`, which must be allowed to fetch rimraf.
        start.Environment["npm_config_yes"] = "true";
        using var npm = Process.Start(start)!;
        npm.WaitForExit();
        if (npm.ExitCode != 0)
        {
            Console.Error.WriteLine($"npm install in {folder} failed with exit code {npm.ExitCode}");
            return false;
        }
        return true;
    }

    /// <summary>Waits until something listens on the loopback <paramref name="port"/> (Azurite has no health URL).</summary>
    public static async Task WaitListeningAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited with code {process.ExitCode}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static ProcessStartInfo Node(string peer, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder(peer), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["NODE_ENV"] = "production";
        return start;
    }

    /// <summary>The peer's folder in the source tree, found from the build output upwards.</summary>
    private static string Folder(string peer)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "Benchmarks", peer), Path.Combine(dir.FullName, "SupportBot", "Benchmarks", peer) })
            {
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException($"SupportBot/Benchmarks/{peer} was not found above {AppContext.BaseDirectory}");
    }
}
