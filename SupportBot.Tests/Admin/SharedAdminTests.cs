using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Playbooks;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Playbook;
using SupportBot.Tests.Storage;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Two instances on one Azurite container behave as one admin: the same draft with the same ETags, one
/// history of versions, and a publish on either puts the new playbook live on both (and on one started later).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SharedAdminTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string NewGreeting = "Good day {name}! What brings you here today?";
    private static readonly string OldGreeting = PlaybookDocument.Default()["messages"]!["greeting"]!.GetValue<string>();

    private Dictionary<string, string?> _settings = null!;
    private AdminServer _a = null!;
    private AdminServer _b = null!;

    public async Task InitializeAsync()
    {
        _settings = BlobServerTests.BlobSettings(azurite.Server);
        _settings["Storage:Blob:LivePlaybookCheck"] = "00:00:00.2";
        _a = await AdminServer.StartAsync(more: _settings);
        _b = await AdminServer.StartAsync(more: _settings);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static async Task<string> GreetingAsync(AdminServer server) =>
        (await server.Server.ExchangeAsync(Activities.MembersAdded(Guid.NewGuid().ToString("N"))))[0].Text!;

    /// <summary>Asks <paramref name="server"/> until its customers hear <paramref name="expected"/> (the check interval
    /// and the training both take time; a minute is far more than either).</summary>
    private static async Task<string> GreetingOnceChangedAsync(AdminServer server, string expected)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        var greeting = await GreetingAsync(server);
        while (!greeting.StartsWith(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            greeting = await GreetingAsync(server);
        }
        return greeting;
    }

    private static async Task<string> SaveGreetingAsync(AdminServer server, string greeting, string etag)
    {
        var (playbook, _) = await server.DraftPlaybookAsync();
        using var response = await server.SaveDraftAsync(playbook.Set("messages.greeting", greeting), etag);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    [Fact]
    public async Task A_publish_through_one_instance_changes_what_customers_hear_on_the_other_and_on_one_started_later()
    {
        Assert.StartsWith("Hi Jane, welcome!", await GreetingAsync(_b));
        var etag = await SaveGreetingAsync(_a, NewGreeting, "\"0\"");
        Assert.Equal(etag, (await _b.GetDraftAsync()).ETag);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var number = await _a.PublishAsync(etag, "Friendlier greeting");
        var liveOnA = clock.Elapsed;

        Assert.Equal("Good day Jane! What brings you here today?", await GreetingOnceChangedAsync(_b, "Good day"));
        output.WriteLine($"Publish to live on A: {liveOnA.TotalSeconds:F1} s; heard on B: {clock.Elapsed.TotalSeconds:F1} s (check every 0.2 s).");
        var status = (await _b.Admin.GetFromJsonAsync<JsonObject>("api/admin/status"))!;
        Assert.Equal((number, false), (status["liveVersion"]!.GetValue<int>(), status["training"]!.GetValue<bool>()));
        var history = (await _b.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions"))!["versions"]!.AsArray();
        Assert.Equal(("ada", "Friendlier greeting"), (history[0]!["publishedBy"]!.GetValue<string>(), history[0]!["note"]!.GetValue<string>()));

        // A rollback on B reaches A the same way; an instance started afterwards starts on the rolled-back version.
        using var rollback = await _b.Admin.PostAsync("api/admin/versions/1/rollback", null);
        Assert.Equal(HttpStatusCode.Accepted, rollback.StatusCode);
        Assert.StartsWith("Hi Jane, welcome!", await GreetingOnceChangedAsync(_a, "Hi Jane"));
        await using var later = await AdminServer.StartAsync(more: _settings);
        Assert.Equal(OldGreeting, ((PlaybookHost)later.Server.Services.GetService(typeof(PlaybookHost))!).Current.Playbook.Messages.Greeting);
        Assert.Equal(number + 1, (await later.Admin.GetFromJsonAsync<JsonObject>("api/admin/status"))!["liveVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_save_on_one_instance_makes_the_other_instance_s_ETag_stale_and_invalid_edits_still_save_nothing()
    {
        var (onB, etag) = await _b.DraftPlaybookAsync();
        await SaveGreetingAsync(_a, NewGreeting, etag);

        using var stale = await _b.SaveDraftAsync(onB.Set("messages.help", "B's help."), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var conflict = (await stale.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("ada", "\"1\""), (conflict["savedBy"]!.GetValue<string>(), conflict["etag"]!.GetValue<string>()));

        var (current, latest) = await _b.DraftPlaybookAsync();
        using var invalid = await _b.SaveDraftAsync(current.Set("messages.solved", "Unfortunately that is not possible."), latest);
        Assert.Contains(AdminServer.Problems(await AdminServer.ProblemsOf(invalid)), p => p.Path == "$.messages.solved" && p.Severity == "error");
        var (after, afterEtag) = await _a.DraftPlaybookAsync();
        Assert.Equal(("\"1\"", NewGreeting), (afterEtag, after["messages"]!["greeting"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_same_draft_published_on_both_instances_at_once_becomes_two_versions_and_both_end_on_the_newer()
    {
        var etag = await SaveGreetingAsync(_a, NewGreeting, "\"0\"");

        var publishes = await Task.WhenAll(new[] { _a, _b }.Select(s => s.SendAsync(HttpMethod.Post, "api/admin/publish", JsonContent.Create(new { note = "race" }), etag)));

        Assert.All(publishes, p => Assert.Equal(HttpStatusCode.Accepted, p.StatusCode));
        var numbers = await Task.WhenAll(publishes.Select(async p => (await p.Content.ReadFromJsonAsync<JsonObject>())!["version"]!["number"]!.GetValue<int>()));
        Assert.Equal([2, 3], numbers.Order());
        foreach (var server in new[] { _a, _b })
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while ((await server.Admin.GetFromJsonAsync<JsonObject>("api/admin/status"))!["liveVersion"]!.GetValue<int>() != 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            var status = (await server.Admin.GetFromJsonAsync<JsonObject>("api/admin/status"))!;
            Assert.Equal(3, status["liveVersion"]!.GetValue<int>());
            Assert.Equal([3, 2, 1], (await server.Admin.GetFromJsonAsync<JsonObject>("api/admin/versions"))!["versions"]!.AsArray().Select(v => v!["number"]!.GetValue<int>()));
        }
    }
}
