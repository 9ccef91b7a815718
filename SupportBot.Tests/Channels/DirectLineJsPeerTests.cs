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
