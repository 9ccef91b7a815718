using System.Diagnostics;
using System.Text.Json;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>The official botframework-directlinejs client (what Web Chat uses) against our Direct Line.</summary>
public sealed class DirectLineJsPeerTests
{
    [Fact]
    public async Task The_official_directline_client_connects_is_welcomed_and_gets_its_message_echoed_and_answered()
    {
        await using var server = await BotServer.StartAsync();
        using var session = await server.Http.PostAsync("api/token", null);
        var token = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        var lines = await NodePeer.RunAsync("directline-peer.js", new Uri(server.BaseUrl, "v3/directline").ToString(), token);

        Assert.Contains(lines, l => l.GetProperty("kind").GetString() == "status" && l.GetProperty("status").GetString() == "Online");
        var activities = lines.Where(l => l.GetProperty("kind").GetString() == "activity").ToList();
        Assert.Single(activities, a => a.GetProperty("role").GetString() == "bot" && a.GetProperty("text").GetString()!.Contains("Hi Jane, welcome!"));
        var echo = Assert.Single(activities, a => a.GetProperty("clientActivityID").GetString() == "peer-1");
        Assert.Equal("user", echo.GetProperty("role").GetString());
        Assert.StartsWith("dl_", echo.GetProperty("fromId").GetString());
        var done = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "done");
        Assert.Equal(done.GetProperty("count").GetInt32(), done.GetProperty("distinct").GetInt32());
    }
}

/// <summary>Runs a Node.js script from SupportBot.Tests/Peers and reads its JSON lines.</summary>
public static class NodePeer
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static async Task<List<JsonElement>> RunAsync(string script, params string[] args)
    {
        var folder = Path.Combine(RepoPaths.Root, "SupportBot.Tests", "Peers");
        await EnsureInstalledAsync(folder);
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
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

    public static string Folder => Path.Combine(RepoPaths.Root, "SupportBot.Tests", "Peers");

    public static async Task EnsureInstalledAsync(string folder)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(folder, "node_modules", "botframework-directlinejs"))
                && Directory.Exists(Path.Combine(folder, "node_modules", "@microsoft", "teams-app-test-tool")))
            {
                return;
            }
            using var npm = Process.Start(new ProcessStartInfo("npm", "install --no-audit --no-fund") { WorkingDirectory = folder })!;
            await npm.WaitForExitAsync();
            Assert.Equal(0, npm.ExitCode);
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
