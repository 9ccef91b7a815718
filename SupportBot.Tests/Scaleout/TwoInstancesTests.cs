using System.Net;
using System.Text.Json;
using SupportBot.Channels.DirectLine;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Reliability;
using Xunit;

namespace SupportBot.Tests.Scaleout;

/// <summary>Customers and agents whose requests land on either of two instances get one bot.</summary>
public sealed class TwoInstancesTests(TwoInstances bots) : IClassFixture<TwoInstances>
{
    [Fact]
    public async Task A_scripted_conversation_whose_turns_alternate_between_instances_keeps_its_state()
    {
        var conversation = "alternating-" + Guid.NewGuid().ToString("N");
        var steps = SupportScript.Steps(304711);
        for (var i = 0; i < steps.Count; i++)
        {
            var instance = i % 2 == 0 ? bots.A : bots.B;
            var sent = SupportScript.ActivityFor(steps[i], conversation, Guid.NewGuid().ToString("N"));
            var outcome = await SupportScript.ExchangeAsync(instance.Http, new Uri(instance.BaseUrl, "api/messages"), sent);
            Assert.True(outcome.Ok, $"step {i} on {(i % 2 == 0 ? "A" : "B")}: {outcome.Error}");
            var wrong = SupportScript.Check(steps[i], sent, outcome.Replies);
            Assert.True(wrong is null, $"step {i}: {wrong}");
        }
    }

    [Fact]
    public async Task A_direct_line_stream_open_on_one_instance_receives_in_order_the_replies_to_messages_posted_on_the_other()
    {
        var onA = await DirectLineClient.StartAsync(bots.A.Http);
        await using var stream = await DirectLineClient.OpenStreamAsync(onA.StreamUrl);
        var onB = new DirectLineClient(bots.B.Http, onA.Token) { ConversationId = onA.ConversationId };
        string[] said = ["my parcel hasnt arrived, order 305150", "yes", "yes"];
        var sets = new List<DirectLineClient.ActivitySet>();
        foreach (var text in said)
        {
            var id = await onB.SayAsync(text);
            // Live: well before the stream's keep-alive, when it would read the store again anyway.
            sets.AddRange(await stream.ReadUntilAsync(received => received.Any(a => a.ReplyToId == id), DirectLineStream.KeepAlive / 3));
        }

        var streamed = sets.SelectMany(s => s.Activities).ToList();
        var stored = (await onB.GetActivitiesAsync()).Activities;
        // Every activity once, in the store's order, each reply after what it answers; watermarks only move forward.
        Assert.Equal(stored.Take(streamed.Count).Select(a => a.Id), streamed.Select(a => a.Id));
        Assert.Equal(said, streamed.Where(a => a.From?.Role == RoleTypes.User).Select(a => a.Text));
        foreach (var reply in streamed.Where(a => a.ReplyToId is not null))
        {
            Assert.True(streamed.FindIndex(a => a.Id == reply.ReplyToId) < streamed.IndexOf(reply), $"'{reply.Text}' came before what it answers");
        }
        Assert.Equal(sets.Count, sets.Select(s => s.Watermark).Distinct().Count());
    }

    [Fact]
    public async Task An_agent_signed_in_on_one_instance_is_signed_in_on_the_other()
    {
        using var agent = await StaffClient.SignInAsync(bots.A.BaseUrl, TwoInstances.Agent);

        using var onB = await agent.Http.GetAsync(new Uri(bots.B.BaseUrl, "api/agent/queue"));
        using var stranger = await bots.B.Http.GetAsync("api/agent/queue");

        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
    }

    [Fact]
    public async Task An_agent_whose_console_is_open_on_one_instance_is_available_on_the_other_and_their_status_holds_on_both()
    {
        using var dana = await StaffClient.SignInAsync(bots.B.BaseUrl, TwoInstances.Agent);
        using var eli = await StaffClient.SignInAsync(bots.A.BaseUrl, TwoInstances.OtherAgent);
        await using var elisConsole = await eli.OpenEventsAsync("api/agent/stream"); // on A
        await elisConsole.NextAsync("queue", q => Available(q) == 1);

        await using (var danasConsole = await dana.OpenEventsAsync("api/agent/stream")) // on B
        {
            await elisConsole.NextAsync("queue", q => Available(q) == 2); // live on A: Dana opened her console on B

            using var away = await dana.Http.PostAsync(new Uri(bots.A.BaseUrl, "api/agent/presence"), System.Net.Http.Json.JsonContent.Create(new { status = "away" }));
            Assert.Equal(HttpStatusCode.NoContent, away.StatusCode);
            var onB = await danasConsole.NextAsync("queue", q => q.GetProperty("me").GetProperty("status").GetString() == "away");
            Assert.Equal(1, Available(onB));
            await elisConsole.NextAsync("queue", q => Available(q) == 1);

            using var back = await dana.Http.PostAsync(new Uri(bots.A.BaseUrl, "api/agent/presence"), System.Net.Http.Json.JsonContent.Create(new { status = "available" }));
            await elisConsole.NextAsync("queue", q => Available(q) == 2);
        }
        await elisConsole.NextAsync("queue", q => Available(q) == 1); // Dana closed her console on B
    }

    [Fact]
    public async Task A_handoff_raised_on_one_instance_is_seen_live_and_accepted_by_an_agent_on_the_other_and_they_talk_both_ways()
    {
        const string order = "305353";
        using var agent = await StaffClient.SignInAsync(bots.B.BaseUrl, TwoInstances.OtherAgent);
        await using var console = await agent.OpenEventsAsync("api/agent/stream"); // on B
        await console.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(bots.A.Http); // on A
        await customer.JoinAsync();
        await using var stream = await DirectLineClient.OpenStreamAsync(customer.StreamUrl);
        await customer.SayAsync($"my parcel hasnt arrived, order {order}");
        await customer.SayAsync("talk to a person");

        var update = await console.NextAsync("queue", q => QueuedFor(q, order) is not null, Live);
        var handoff = QueuedFor(update, order)!.Value;
        using var accepted = await agent.PostAsync($"api/agent/handoffs/{Uri.EscapeDataString(handoff.GetProperty("id").GetString()!)}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await stream.ReadUntilAsync(received => received.Any(a => a.Text?.Contains("Eli from our team has joined", StringComparison.Ordinal) == true), Live);

        var id = Uri.EscapeDataString(handoff.GetProperty("id").GetString()!);
        await using var conversation = await agent.OpenEventsAsync($"api/agent/handoffs/{id}/stream");
        await conversation.NextAsync("activity", a => Text(a) == $"my parcel hasnt arrived, order {order}");
        await customer.SayAsync("is anyone there?");
        await conversation.NextAsync("activity", a => Text(a) == "is anyone there?", Live);

        using var sent = await agent.PostAsync($"api/agent/handoffs/{id}/messages", new { text = "Eli here, on B." });
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var reply = (await stream.ReadUntilAsync(received => received.Any(a => a.Text == "Eli here, on B."), Live)).SelectMany(s => s.Activities).Last(a => a.Text == "Eli here, on B.");
        Assert.Equal("Eli", reply.From?.Name);
    }

    [Fact]
    public async Task A_conversation_held_by_an_agent_whose_console_is_open_on_the_other_instance_stays_theirs_until_they_leave()
    {
        const string order = "305454";
        using var agent = await StaffClient.SignInAsync(bots.B.BaseUrl, TwoInstances.Agent);
        var console = await agent.OpenEventsAsync("api/agent/stream"); // on B only
        await console.NextAsync("queue");
        var customer = await DirectLineClient.StartAsync(bots.A.Http); // on A, whose queue watcher never saw Dana's console
        await customer.JoinAsync();
        await customer.SayAsync($"my parcel hasnt arrived, order {order}");
        await customer.SayAsync("talk to a person");
        var handoff = QueuedFor(await console.NextAsync("queue", q => QueuedFor(q, order) is not null), order)!.Value;
        var id = handoff.GetProperty("id").GetString()!;
        (await agent.PostAsync($"api/agent/handoffs/{Uri.EscapeDataString(id)}/accept")).EnsureSuccessStatusCode();
        await customer.WaitForMessageAsync("Dana from our team has joined");

        await Task.Delay(TwoInstances.AbsentTimeout * 3); // both instances' watchers look several times meanwhile
        var mine = (await agent.GetJsonAsync(new Uri(bots.A.BaseUrl, "api/agent/queue").ToString())).GetProperty("mine");
        Assert.Contains(id, mine.EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        await console.DisposeAsync(); // she leaves: the timeout counts from now, wherever it is checked
        await customer.WaitForMessageAsync("Dana has passed your conversation on", TimeSpan.FromSeconds(30));
    }

    /// <summary>Well within every keep-alive (the stream's 15 s, the console's 20 s): only the live fan-out is this quick.</summary>
    private static readonly TimeSpan Live = DirectLineStream.KeepAlive / 3;

    private static JsonElement? QueuedFor(JsonElement queue, string order) =>
        queue.GetProperty("queue").EnumerateArray().Select(q => q.GetProperty("handoff"))
            .Where(h => h.GetProperty("request").TryGetProperty("details", out var d) && d.TryGetProperty("orderNumber", out var o) && o.GetString() == order)
            .Cast<JsonElement?>().FirstOrDefault();

    private static string? Text(JsonElement activity) => activity.TryGetProperty("text", out var text) ? text.GetString() : null;

    private static int Available(JsonElement queue) => queue.GetProperty("agentsAvailable").GetInt32();
}
