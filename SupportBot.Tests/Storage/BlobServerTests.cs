using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Storage;

/// <summary>The real server with <c>Storage:Provider=Blob</c> on Azurite: the same conversations as on SQLite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobServerTests(AzuriteFixture azurite)
{
    public static Dictionary<string, string?> BlobSettings(AzuriteServer server, string? suffix = null)
    {
        suffix ??= Guid.NewGuid().ToString("N")[..12];
        return new()
        {
            ["Storage:Provider"] = "Blob",
            ["Storage:Blob:ConnectionString"] = server.ConnectionString,
            ["Storage:Blob:StateContainer"] = "state-" + suffix,
            ["Storage:Blob:TranscriptContainer"] = "transcripts-" + suffix,
            ["Storage:Blob:HandoffContainer"] = "handoffs-" + suffix,
            ["Storage:Blob:DirectLineContainer"] = "directline-" + suffix,
        };
    }

    [Fact]
    public async Task A_web_chat_conversation_over_direct_line_keeps_its_state_and_transcript_in_blob_storage()
    {
        var settings = BlobSettings(azurite.Server);
        await using var server = await BotServer.StartAsync(settings);
        var client = await DirectLineClient.StartAsync(server);
        await using var stream = await DirectLineClient.OpenStreamAsync(client.StreamUrl);

        await client.JoinAsync();
        await client.SayAsync("my parcel hasn't arrived");
        var streamed = await stream.ReadUntilAsync(a => a.Count(x => x.From?.Role == "bot") >= 2);
        var polled = await client.GetActivitiesAsync();

        Assert.Contains(streamed.SelectMany(s => s.Activities), a => a.Text == "my parcel hasn't arrived");
        Assert.Equal(streamed.SelectMany(s => s.Activities).Select(a => a.Id), polled.Activities.Select(a => a.Id).Take(streamed.Sum(s => s.Activities.Count)));
        var state = new BlobStorage(azurite.Server.Client().GetBlobContainerClient(settings["Storage:Blob:StateContainer"]));
        Assert.Single(await state.ReadAsync([$"webchat/conversations/{client.ConversationId}"], default));
        var stored = await Transcript(settings).GetTranscriptPageAsync("webchat", client.ConversationId, null, 100, default);
        Assert.Equal(polled.Activities.Select(a => a.Id), stored.Activities.Select(a => a.Id));
    }

    [Fact]
    public async Task An_api_messages_conversation_continues_on_a_new_server_with_no_local_data()
    {
        var settings = BlobSettings(azurite.Server);
        await using (var first = await BotServer.StartAsync(settings))
        {
            await first.ExchangeAsync(Activities.Message("I was charged twice", "conv-blob"));
        }

        // Another instance with its own (empty) data folder: everything the turn needs is in Blob Storage.
        await using var second = await BotServer.StartAsync(settings);
        var replies = await second.ExchangeAsync(Activities.Message("yes", "conv-blob"));

        Assert.Equal("Which email address is your account under, so the team can find the payment?", replies.Single().Text);
    }

    [Fact]
    public async Task A_redelivered_activity_gets_the_same_replies_each_time_it_comes_again()
    {
        var settings = BlobSettings(azurite.Server);
        await using var server = await BotServer.StartAsync(settings);
        var first = Activities.Message("my parcel is late, order 123456", "conv-redeliver");

        var replies = await server.ExchangeAsync(first);
        var stored = await TranscriptAsync(settings, "conv-redeliver");
        // Each redelivery logs the activities again, stamped anew (and blob names carry the time): still one each.
        var again = await server.ExchangeAsync(first);
        var third = await server.ExchangeAsync(first);

        Assert.Contains("Did I get that right?", replies[^1].Text);
        Assert.Equal(replies.Select(r => (r.Id, r.Text)), again.Select(r => (r.Id, r.Text)));
        Assert.Equal(replies.Select(r => (r.Id, r.Text)), third.Select(r => (r.Id, r.Text)));
        Assert.Equal(stored, await TranscriptAsync(settings, "conv-redeliver"));
        Assert.Equal(stored.Distinct(), stored);
    }

    [Fact]
    public async Task An_activity_redelivered_after_a_restart_gets_the_same_replies_and_is_stored_once()
    {
        var settings = BlobSettings(azurite.Server);
        var first = Activities.Message("my parcel is late, order 123456", "conv-redeliver-restart");
        IReadOnlyList<Activity> replies;
        await using (var before = await BotServer.StartAsync(settings))
        {
            replies = await before.ExchangeAsync(first);
        }
        var stored = await TranscriptAsync(settings, "conv-redeliver-restart");

        await using var after = await BotServer.StartAsync(settings); // knows nothing of what the first one stored
        var again = await after.ExchangeAsync(first);

        Assert.Equal(replies.Select(r => (r.Id, r.Text)), again.Select(r => (r.Id, r.Text)));
        Assert.Equal(stored, await TranscriptAsync(settings, "conv-redeliver-restart"));
    }

    /// <summary>The server's transcript, read as another instance would.</summary>
    private BlobTranscriptStore Transcript(Dictionary<string, string?> settings) =>
        new(azurite.Server.Client().GetBlobContainerClient(settings["Storage:Blob:TranscriptContainer"]),
            azurite.Server.Client().GetBlobContainerClient(settings["Storage:Blob:StateContainer"]), new());

    private async Task<List<string?>> TranscriptAsync(Dictionary<string, string?> settings, string conversation) =>
        [.. (await Transcript(settings).GetConversationAsync("test", conversation, default)).Select(e => e.Activity.Id)];

    [Fact]
    public async Task An_agent_reads_and_follows_a_handed_off_conversation_from_the_blob_transcript()
    {
        var settings = new Dictionary<string, string?>(StaffClient.Accounts(("alice", "Alice", ["Agent"])))
        {
            ["Playbook:Path"] = TestPlaybooks.AlwaysOpen,
        };
        foreach (var (key, value) in BlobSettings(azurite.Server))
        {
            settings[key] = value;
        }
        await using var server = await BotServer.StartAsync(settings);
        using var alice = await StaffClient.SignInAsync(server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream"); // an agent with the console open is available
        await present.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(server);
        await customer.JoinAsync();
        await customer.SayAsync("my parcel hasnt arrived, order 554433");
        await customer.SayAsync("talk to a person");
        await customer.WaitForMessageAsync("number 1 in the queue");
        var queue = (await alice.GetJsonAsync("api/agent/queue")).GetProperty("queue");
        var id = Uri.EscapeDataString(queue[0].GetProperty("handoff").GetProperty("id").GetString()!);
        using (var accepted = await alice.PostAsync($"api/agent/handoffs/{id}/accept"))
        {
            accepted.EnsureSuccessStatusCode();
        }

        await using var conversation = await alice.OpenEventsAsync($"api/agent/handoffs/{id}/stream");
        var earlier = await conversation.NextAsync("activity", a => a.TryGetProperty("text", out var t) && t.GetString() == "my parcel hasnt arrived, order 554433");
        await customer.SayAsync("are you there?");
        var live = await conversation.NextAsync("activity", a => a.TryGetProperty("text", out var t) && t.GetString() == "are you there?");

        Assert.Equal("user", earlier.GetProperty("from").GetProperty("role").GetString());
        Assert.Equal("user", live.GetProperty("from").GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("Storage:Blob:ConnectionString", "not a connection string")]
    [InlineData("Storage:Blob:StateContainer", "Bad_Name")]
    [InlineData("Storage:Blob:NetworkTimeout", "00:00:00")]
    public async Task A_bad_blob_setting_stops_start_up_and_is_named(string setting, string value)
    {
        var settings = BlobSettings(azurite.Server);
        settings[setting] = value;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BotServer.StartAsync(settings));

        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public async Task Both_a_connection_string_and_an_account_url_is_refused()
    {
        var settings = BlobSettings(azurite.Server);
        settings["Storage:Blob:AccountUrl"] = "https://example.blob.core.windows.net";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BotServer.StartAsync(settings));

        Assert.Contains("Storage:Blob:AccountUrl", error.Message);
    }
}
