using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Playbook;
using SupportBot.Tests.Storage;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Azurite goes away while an admin works: they are told storage is unreachable (503) instead of an error
/// page, nothing saved is lost, and once it is back the same edit goes through and a publish still reaches customers.</summary>
public sealed class AdminBlobOutageTests
{
    [Fact]
    public async Task During_a_storage_outage_admin_calls_answer_503_and_afterwards_the_draft_and_publishing_work_again()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        var settings = BlobServerTests.BlobSettings(azurite);
        settings["Storage:Blob:LivePlaybookCheck"] = "00:00:00.2";
        settings["Storage:Blob:NetworkTimeout"] = "00:00:02";
        settings["Storage:Blob:MaxRetries"] = "0";
        await using var server = await AdminServer.StartAsync(more: settings);
        var (playbook, etag) = await server.DraftPlaybookAsync();
        using (var saved = await server.SaveDraftAsync(playbook.Set("messages.help", "Saved before the outage."), etag))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            etag = saved.Headers.ETag!.ToString();
        }

        await azurite.StopAsync();
        using var save = await server.SaveDraftAsync(playbook.Set("messages.greeting", "Good day {name}! What brings you here today?"), etag);
        using var versions = await server.Admin.GetAsync("api/admin/versions");
        var problem = (await save.Content.ReadFromJsonAsync<JsonObject>())!;
        await azurite.RestartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, save.StatusCode);
        Assert.StartsWith("Storage could not be reached", problem["error"]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, versions.StatusCode);
        var (after, afterEtag) = await server.DraftPlaybookAsync();
        Assert.Equal(("Saved before the outage.", etag), (after["messages"]!["help"]!.GetValue<string>(), afterEtag));
        using var retried = await server.SaveDraftAsync(after.Set("messages.greeting", "Good day {name}! What brings you here today?"), afterEtag);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await server.PublishAsync(retried.Headers.ETag!.ToString());
        var replies = await server.Server.ExchangeAsync(Activities.MembersAdded(Guid.NewGuid().ToString("N")));
        Assert.Equal("Good day Jane! What brings you here today?", replies[0].Text);
    }
}
