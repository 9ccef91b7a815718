using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Runs a Node.js script from SupportBot.Tests/Peers and reads its JSON lines.</summary>
public static class NodePeer
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string Folder => Path.Combine(RepoPaths.Root, "SupportBot.Tests", "Peers");

    public static async Task<List<JsonElement>> RunAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}:\n{text}\n{await errors}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>Installs the peers' npm packages once, on a machine that does not have them yet.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(Folder, "node_modules", "botframework-directlinejs"))
                && Directory.Exists(Path.Combine(Folder, "node_modules", "@microsoft", "teams-app-test-tool"))
                && Directory.Exists(Path.Combine(Folder, "node_modules", "azurite")))
            {
                return;
            }
            using var npm = Process.Start(new ProcessStartInfo("npm", "install --no-audit --no-fund") { WorkingDirectory = Folder })!;
            await npm.WaitForExitAsync();
            Assert.Equal(0, npm.ExitCode);
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
