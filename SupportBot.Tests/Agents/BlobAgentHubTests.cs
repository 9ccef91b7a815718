using System.Net;
using System.Text.Json;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Storage;
using Xunit;

namespace SupportBot.Tests.Agents;

/// <summary>The built-in hub with <c>Storage:Provider=Blob</c> on two bot instances sharing one Azurite account, each
/// with its own (empty) data folder: the customer talks to one, the agents work on the other.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobAgentHubTests(AzuriteFixture azurite)
{
    private static Dictionary<string, string?> Settings(AzuriteServer server, string suffix)
    {
        var settings = new Dictionary<string, string?>(StaffClient.Accounts(("alice", "Alice", ["Agent"]), ("bob", "Bob", ["Agent"])))
        {
            ["Playbook:Path"] = TestPlaybooks.AlwaysOpen,
            ["DirectLine:Secret"] = "shared-by-every-instance-" + suffix, // tokens from one instance are valid on the other
        };
        foreach (var (key, value) in BlobServerTests.BlobSettings(server, suffix))
        {
            settings[key] = value;
        }
        return settings;
    }

    private static async Task<(BotServer Customers, BotServer Agents)> TwoInstancesAsync(AzuriteServer server)
    {
        var settings = Settings(server, Guid.NewGuid().ToString("N")[..12]);
        return (await BotServer.StartAsync(settings), await BotServer.StartAsync(settings));
    }

    private static async Task<JsonElement> QueuedAsync(StaffClient agent)
    {
        var queue = (await agent.GetJsonAsync("api/agent/queue")).GetProperty("queue");
        Assert.Equal(1, queue.GetArrayLength());
        return queue[0].GetProperty("handoff");
    }

    private static string Id(JsonElement handoff) => Uri.EscapeDataString(handoff.GetProperty("id").GetString()!);

    private static string? Text(JsonElement activity) => activity.TryGetProperty("text", out var text) ? text.GetString() : null;

    [Fact]
    public async Task A_handoff_raised_on_one_instance_is_accepted_and_answered_on_the_other_until_the_agent_ends_it()
    {
        var (customers, agents) = await TwoInstancesAsync(azurite.Server);
        await using var _ = customers;
        await using var __ = agents;
        using var alice = await StaffClient.SignInAsync(agents, "alice");
        // Presence is still per instance (the live fan-out shares it): Bob's open console makes the customers' instance
        // see someone available.
        using var bob = await StaffClient.SignInAsync(customers, "bob");
        await using var present = await bob.OpenEventsAsync("api/agent/stream");
        await present.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(customers);
        await customer.JoinAsync();
        await customer.SayAsync("my parcel hasnt arrived, order 554433");
        await customer.SayAsync("talk to a person");
        await customer.WaitForMessageAsync("number 1 in the queue");

        var handoff = await QueuedAsync(alice);
        Assert.Equal("554433", handoff.GetProperty("request").GetProperty("details").GetProperty("orderNumber").GetString());
        using (var accepted = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept"))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        await customer.WaitForMessageAsync("Alice from our team has joined");
        using (var sent = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "Hi Jane, I'm on it." }))
        {
            Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        }
        Assert.Equal("Alice", (await customer.WaitForMessageAsync("Hi Jane, I'm on it.")).From?.Name);
        var before = (await customer.GetActivitiesAsync()).Activities.Count;
        await customer.SayAsync("thank you, it is order 554433");
        await using (var conversation = await alice.OpenEventsAsync($"api/agent/handoffs/{Id(handoff)}/stream"))
        {
            await conversation.NextAsync("activity", a => Text(a) == "thank you, it is order 554433");
        }
        Assert.Equal(before + 1, (await customer.GetActivitiesAsync()).Activities.Count); // the bot, on either instance, stays silent

        using (var ended = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/end"))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }
        await customer.WaitForMessageAsync("while Alice helped you");
        var onTheOther = await bob.GetJsonAsync("api/agent/queue");
        Assert.Empty(onTheOther.GetProperty("queue").EnumerateArray());
        Assert.Empty((await alice.GetJsonAsync("api/agent/queue")).GetProperty("mine").EnumerateArray());
    }

    [Fact]
    public async Task Two_agents_on_two_instances_accepting_at_once_exactly_one_wins_and_the_other_is_told_who()
    {
        var (customers, agents) = await TwoInstancesAsync(azurite.Server);
        await using var _ = customers;
        await using var __ = agents;
        using var alice = await StaffClient.SignInAsync(agents, "alice");
        using var bob = await StaffClient.SignInAsync(customers, "bob");
        await using var present = await bob.OpenEventsAsync("api/agent/stream"); // available where the customer is
        await present.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(customers);
        await customer.JoinAsync();
        await customer.SayAsync("talk to a person");
        var handoff = await QueuedAsync(bob);

        var answers = await Task.WhenAll(alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept"), bob.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept"));

        await Expect.OneAcceptWinsAsync(answers[0], answers[1], customer);
    }

    [Fact]
    public async Task When_blob_storage_is_down_an_accept_and_the_customers_page_get_503_and_the_conversation_still_waits_afterwards()
    {
        await using var own = await AzuriteServer.StartAsync(); // this test stops it
        var settings = Settings(own, Guid.NewGuid().ToString("N")[..12]);
        await using var server = await BotServer.StartAsync(settings);
        using var alice = await StaffClient.SignInAsync(server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        await present.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(server);
        await customer.JoinAsync();
        await customer.SayAsync("talk to a person");
        var handoff = await QueuedAsync(alice);

        await own.StopAsync();
        using var during = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept");
        using var customerDuring = await customer.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{customer.ConversationId}/activities");
        await own.RestartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Contains("nothing was changed", await during.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, customerDuring.StatusCode);
        var after = await QueuedAsync(alice);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("agent").ValueKind);
        using var accepted = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await customer.WaitForMessageAsync("Alice from our team has joined");
    }

    [Fact]
    public async Task A_direct_line_conversation_started_on_one_instance_reconnects_posts_and_serves_its_attachments_on_the_other()
    {
        var (first, second) = await TwoInstancesAsync(azurite.Server);
        await using var _ = first;
        await using var __ = second;
        var onFirst = await DirectLineClient.StartAsync(first);
        await onFirst.JoinAsync();
        await onFirst.SayAsync("my parcel hasnt arrived");
        using var upload = new MultipartFormDataContent { { new ByteArrayContent("receipt 554433"u8.ToArray()), "file", "receipt.txt" } };
        using var uploadRequest = new HttpRequestMessage(HttpMethod.Post, $"v3/directline/conversations/{onFirst.ConversationId}/upload?userId={onFirst.UserId}") { Content = upload };
        uploadRequest.Headers.Authorization = new("Bearer", onFirst.Token);
        using (var uploaded = await first.Http.SendAsync(uploadRequest))
        {
            uploaded.EnsureSuccessStatusCode();
        }

        var onSecond = new DirectLineClient(second.Http, onFirst.Token) { ConversationId = onFirst.ConversationId };
        using var reconnected = await onSecond.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{onFirst.ConversationId}?watermark=");
        await onSecond.SayAsync("order 554433");

        Assert.Equal(HttpStatusCode.OK, reconnected.StatusCode);
        Assert.Contains(onFirst.ConversationId, await reconnected.Content.ReadAsStringAsync());
        var activities = (await onSecond.GetActivitiesAsync()).Activities;
        Assert.Contains(activities, a => a.Text == "my parcel hasnt arrived");
        Assert.Contains(activities, a => a.Text == "order 554433");
        var attachment = activities.SelectMany(a => a.Attachments ?? []).Single(a => a.Name == "receipt.txt");
        var path = new Uri(attachment.ContentUrl!).PathAndQuery.TrimStart('/');
        using var fromSecond = await second.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, fromSecond.StatusCode);
        Assert.Equal("receipt 554433", await fromSecond.Content.ReadAsStringAsync());
        Assert.Equal("receipt.txt", fromSecond.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(HttpStatusCode.NotFound, (await second.Http.GetAsync("v3/directline/attachments/nope")).StatusCode);
    }
}
