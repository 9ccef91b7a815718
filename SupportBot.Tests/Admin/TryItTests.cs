using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SupportBot.Dialogs.Schema;
using SupportBot.Playbooks;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>"Try it" runs a Direct Line conversation on the draft; customers stay on the live playbook, and a publish
/// switches them without any turn failing.</summary>
public sealed class TryItTests : IAsyncLifetime
{
    private const string DraftGreeting = "Good day {name}! What brings you here today?";

    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private PlaybookHost Host => (PlaybookHost)_server.Server.Services.GetService(typeof(PlaybookHost))!;

    private async Task<string> SaveDraftAsync(Func<JsonObject, JsonObject> edit)
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        using var response = await _server.SaveDraftAsync(edit(playbook), etag);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    /// <summary>What the page's "Try it" does: a token for a draft conversation, then Direct Line as Web Chat uses it.</summary>
    private async Task<DirectLineClient> OpenTryItAsync()
    {
        using var response = await _server.Admin.PostAsync("api/admin/draft/try", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<DirectLineClient.Conversation>())!;
        var tryIt = new DirectLineClient(_server.Server.Http, session.Token) { ConversationId = session.ConversationId };
        using var started = await tryIt.SendAsync(HttpMethod.Post, "v3/directline/conversations");
        started.EnsureSuccessStatusCode();
        return tryIt;
    }

    private static async Task<string> GreetingAsync(DirectLineClient client)
    {
        await client.JoinAsync();
        var set = await client.GetActivitiesAsync();
        return set.Activities.First(a => a.Type == ActivityTypes.Message && a.From?.Role == RoleTypes.Bot).Text!;
    }

    [Fact]
    public async Task A_try_it_conversation_runs_on_the_draft_while_customers_get_the_live_playbook()
    {
        await SaveDraftAsync(p => p.Set("messages.greeting", DraftGreeting));

        var tryIt = await OpenTryItAsync();
        Assert.StartsWith("draft-", tryIt.ConversationId);
        var customer = await DirectLineClient.StartAsync(_server.Server);

        Assert.Equal("Good day Ada! What brings you here today?", await GreetingAsync(tryIt));
        Assert.Equal("Hi Jane, welcome! What can I help you with today?", await GreetingAsync(customer));
        // Another channel's conversation id that happens to look like a draft one is still a customer's.
        var lookalike = await _server.Server.ExchangeAsync(Activities.MembersAdded("draft-" + Guid.NewGuid().ToString("N")));
        Assert.Equal("Hi Jane, welcome! What can I help you with today?", lookalike[0].Text);
        Assert.Equal(PlaybookDocument.Default()["messages"]!["greeting"]!.GetValue<string>(), Host.Current.Playbook.Messages.Greeting);
    }

    [Fact]
    public async Task Asking_for_a_person_in_a_try_it_conversation_reaches_no_agent()
    {
        // Open all day every day, so the bot would queue the conversation for a person if it were a customer's.
        await SaveDraftAsync(p => p.Set("businessHours", JsonNode.Parse("""{ "timeZone": "UTC", "days": ["Mon","Tue","Wed","Thu","Fri","Sat","Sun"], "open": "00:00", "close": "23:59" }""")));
        var tryIt = await OpenTryItAsync();
        await tryIt.JoinAsync();

        await tryIt.SayAsync("talk to a person");
        await tryIt.SayAsync("Wait for a person");

        var said = (await tryIt.GetActivitiesAsync()).Activities.Where(a => a.From?.Role == RoleTypes.Bot).ToList();
        Assert.True(said.Count >= 3, "the bot answered every message");
        var database = (SupportBot.Storage.SqliteDatabase)_server.Server.Services.GetService(typeof(SupportBot.Storage.SqliteDatabase))!;
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM handoff) + (SELECT COUNT(*) FROM follow_up)";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Customers_talking_during_a_publish_get_every_answer_and_turns_go_on_while_the_recogniser_trains()
    {
        // A new utterance as well as a new greeting, so the recogniser must be trained for this version.
        var etag = await SaveDraftAsync(p =>
        {
            p["topics"]![0]!["utterances"]!.AsArray().Add("my box never showed up");
            return p.Set("messages.greeting", DraftGreeting);
        });
        using var stop = new CancellationTokenSource();
        var answered = new List<(DateTimeOffset Started, DateTimeOffset At, string Greeting)>();
        var failures = new List<string>();
        async Task CustomerLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var started = DateTimeOffset.UtcNow;
                try
                {
                    var replies = await _server.Server.ExchangeAsync(Activities.MembersAdded(Guid.NewGuid().ToString("N")));
                    lock (answered)
                    {
                        answered.Add((started, DateTimeOffset.UtcNow, replies[0].Text!));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or ArgumentOutOfRangeException)
                {
                    lock (failures)
                    {
                        failures.Add(e.Message);
                    }
                }
            }
        }
        var customers = Enumerable.Range(0, 4).Select(_ => Task.Run(CustomerLoopAsync)).ToList();
        await Task.Delay(300);

        var published = DateTimeOffset.UtcNow;
        await _server.PublishAsync(etag);
        var live = DateTimeOffset.UtcNow;
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(customers);

        Assert.Empty(failures);
        Assert.All(answered, a => Assert.True(a.Greeting is "Hi Jane, welcome! What can I help you with today?" or "Good day Jane! What brings you here today?", a.Greeting));
        Assert.Contains(answered, a => a.At > published && a.At < live); // nobody waited for the training
        Assert.Contains(answered, a => a.Started > live && a.Greeting.StartsWith("Good day"));
        // A turn keeps the playbook it started with; every turn that started after the swap has the new one.
        Assert.DoesNotContain(answered, a => a.Started > live && a.Greeting.StartsWith("Hi Jane"));
    }
}
