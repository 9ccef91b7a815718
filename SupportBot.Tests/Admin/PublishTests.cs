using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Playbooks;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Publishing makes an immutable version (who, when, what changed) and puts it live without a restart;
/// a rollback publishes an earlier version again.</summary>
public sealed class PublishTests : IAsyncLifetime
{
    private const string NewGreeting = "Good day {name}! What brings you here today?";
    private static readonly string OldGreeting = PlaybookDocument.Default()["messages"]!["greeting"]!.GetValue<string>();

    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private PlaybookHost Host => (PlaybookHost)_server.Server.Services.GetService(typeof(PlaybookHost))!;

    private async Task<string> SaveGreetingAsync(string greeting)
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        using var response = await _server.SaveDraftAsync(playbook.Set("messages.greeting", greeting), etag);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    private async Task<string> GreetingForNewCustomerAsync()
    {
        var replies = await _server.Server.ExchangeAsync(Activities.MembersAdded(Guid.NewGuid().ToString("N")));
        return replies[0].Text!;
    }

    [Fact]
    public async Task Publishing_records_who_when_and_the_diff_and_new_conversations_get_the_new_greeting()
    {
        Assert.StartsWith("Hi Jane, welcome!", await GreetingForNewCustomerAsync());
        var etag = await SaveGreetingAsync(NewGreeting);

        var number = await _server.PublishAsync(etag, "Friendlier greeting");

        Assert.Equal(2, number);
        Assert.Equal(NewGreeting, Host.Current.Playbook.Messages.Greeting);
        Assert.Equal("Good day Jane! What brings you here today?", await GreetingForNewCustomerAsync());
        var history = (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions"))!;
        Assert.Equal(2, history["status"]!["liveVersion"]!.GetValue<int>());
        var versions = history["versions"]!.AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["number"]!.GetValue<int>()));
        var published = versions[0]!;
        Assert.Equal("ada", published["publishedBy"]!.GetValue<string>());
        Assert.Equal("Friendlier greeting", published["note"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - published["publishedAt"]!.GetValue<DateTimeOffset>() < TimeSpan.FromMinutes(2));
        var change = Assert.Single(published["changes"]!.AsArray())!;
        Assert.Equal("$.messages.greeting", change["path"]!.GetValue<string>());
        Assert.Equal(OldGreeting, change["before"]!.GetValue<string>());
        Assert.Equal(NewGreeting, change["after"]!.GetValue<string>());
        var original = (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions/1"))!;
        Assert.Equal(OldGreeting, original["playbook"]!["messages"]!["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publishing_needs_the_draft_ETag_the_admin_reviewed()
    {
        var reviewed = await SaveGreetingAsync(NewGreeting);
        await SaveGreetingAsync("Hello {name}! What can I do for you today?");

        using var stale = await _server.SendAsync(HttpMethod.Post, "api/admin/publish", JsonContent.Create(new { note = "stale" }), reviewed);
        using var unnamed = await _server.SendAsync(HttpMethod.Post, "api/admin/publish", JsonContent.Create(new { note = "none" }), null);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal((HttpStatusCode)428, unnamed.StatusCode);
        Assert.Empty((await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions"))!["versions"]!.AsArray());
        Assert.Equal(OldGreeting, Host.Current.Playbook.Messages.Greeting);
    }

    [Fact]
    public async Task Rolling_back_publishes_the_earlier_version_again_as_a_new_one_and_leaves_the_draft_alone()
    {
        await _server.PublishAsync(await SaveGreetingAsync(NewGreeting));

        using var response = await _server.Admin.PostAsync("api/admin/versions/1/rollback", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _server.WaitLiveAsync();

        Assert.Equal(OldGreeting, Host.Current.Playbook.Messages.Greeting);
        Assert.StartsWith("Hi Jane, welcome!", await GreetingForNewCustomerAsync());
        var versions = (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions"))!["versions"]!.AsArray();
        Assert.Equal("Rolled back to version 1", versions[0]!["note"]!.GetValue<string>());
        Assert.Equal(3, versions[0]!["number"]!.GetValue<int>());
        Assert.Equal(NewGreeting, Assert.Single(versions[0]!["changes"]!.AsArray())!["before"]!.GetValue<string>());
        Assert.Equal(NewGreeting, (await _server.DraftPlaybookAsync()).Playbook["messages"]!["greeting"]!.GetValue<string>());
        using var missing = await _server.Admin.PostAsync("api/admin/versions/42/rollback", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_restart_serves_the_last_published_version_not_the_file_it_started_with()
    {
        await _server.PublishAsync(await SaveGreetingAsync(NewGreeting));
        var data = _server.Server.DataDirectory;
        await _server.DisposeAsync();

        _server = await AdminServer.StartAsync(data);

        Assert.Equal(NewGreeting, Host.Current.Playbook.Messages.Greeting);
        Assert.Equal(2, (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/status"))!["liveVersion"]!.GetValue<int>());
    }
}
