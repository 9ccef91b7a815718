using System.Net;
using System.Text;
using System.Text.Json;
using SupportBot.Agents;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Agents;

/// <summary>The built-in hub through the real server: a web chat customer asks for a person, agents signed in to the
/// console see the request with its context, one of them takes it, and they talk both ways until it is handed back.</summary>
public sealed class AgentHubApiTests : IAsyncLifetime
{
    private BotServer _server = null!;

    private static Dictionary<string, string?> Settings() => new(StaffClient.Accounts(
        ("alice", "Alice", ["Agent"]), ("bob", "Bob", ["Agent"]), ("root", "Root", ["Admin"])))
    {
        ["Playbook:Path"] = TestPlaybooks.AlwaysOpen, // the desk is open whenever the tests run
    };

    public async Task InitializeAsync() => _server = await BotServer.StartAsync(Settings());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<DirectLineClient> CustomerAsync(string name = "Jane")
    {
        var customer = await DirectLineClient.StartAsync(_server, name);
        await customer.JoinAsync();
        return customer;
    }

    private static async Task<JsonElement> QueueItemAsync(StaffClient agent, int count = 1)
    {
        var queue = (await agent.GetJsonAsync("api/agent/queue")).GetProperty("queue");
        Assert.Equal(count, queue.GetArrayLength());
        return queue[0].GetProperty("handoff");
    }

    private static string? Text(JsonElement activity) => activity.TryGetProperty("text", out var text) ? text.GetString() : null;

    private static string Id(JsonElement handoff) => Uri.EscapeDataString(handoff.GetProperty("id").GetString()!);

    [Fact]
    public async Task The_agent_sees_the_context_accepts_and_they_talk_both_ways_until_the_agent_hands_back()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        await present.NextAsync("queue");
        var customer = await CustomerAsync();
        await customer.SayAsync("my parcel hasnt arrived, order 554433");

        await customer.SayAsync("talk to a person");
        await customer.WaitForMessageAsync("number 1 in the queue");
        var update = await present.NextAsync("queue", q => q.GetProperty("queue").GetArrayLength() == 1);
        var request = update.GetProperty("queue")[0].GetProperty("handoff").GetProperty("request");
        Assert.Equal("Jane", request.GetProperty("customerName").GetString());
        Assert.Equal("Order status and delivery", request.GetProperty("topicName").GetString());
        Assert.Equal("554433", request.GetProperty("details").GetProperty("orderNumber").GetString());
        Assert.Contains("my parcel hasnt arrived", request.GetProperty("summary").GetString());

        var handoff = update.GetProperty("queue")[0].GetProperty("handoff");
        using var accepted = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await customer.WaitForMessageAsync("Alice from our team has joined");

        await using var conversation = await alice.OpenEventsAsync($"api/agent/handoffs/{Id(handoff)}/stream");
        await conversation.NextAsync("activity", a => Text(a) == "my parcel hasnt arrived, order 554433");
        await customer.SayAsync("<b>Hello</b> & <script>alert(1)</script>");
        var relayed = await conversation.NextAsync("activity", a => a.GetProperty("from").GetProperty("role").GetString() == "user" && Text(a)?.Contains("Hello") == true);
        Assert.Equal("<b>Hello</b> & <script>alert(1)</script>", relayed.GetProperty("text").GetString()); // stored as written; the console shows it as text

        using var sent = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "Hi Jane, I'm on it." });
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var fromAlice = await customer.WaitForMessageAsync("Hi Jane, I'm on it.");
        Assert.Equal("Alice", fromAlice.From?.Name);
        // The bot stays silent while Alice has the conversation.
        var before = (await customer.GetActivitiesAsync()).Activities.Count;
        await customer.SayAsync("thank you");
        var after = (await customer.GetActivitiesAsync()).Activities;
        Assert.Equal(before + 1, after.Count);

        using var ended = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/end");
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        await customer.WaitForMessageAsync("while Alice helped you");
        var csat = await customer.WaitForMessageAsync("how would you rate your experience");
        Assert.Equal(5, csat.SuggestedActions?.Actions.Count);
        Assert.Empty((await alice.GetJsonAsync("api/agent/queue")).GetProperty("mine").EnumerateArray());
        using var endedAgain = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/end");
        Assert.Equal(HttpStatusCode.Conflict, endedAgain.StatusCode);
        Assert.Contains("has ended", await endedAgain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Two_agents_accepting_at_once_exactly_one_wins_and_the_other_is_told_who()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        using var bob = await StaffClient.SignInAsync(_server, "bob");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        await present.NextAsync("queue");
        var customer = await CustomerAsync();
        await customer.SayAsync("talk to a person");
        var handoff = await QueueItemAsync(alice);

        var answers = await Task.WhenAll(alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept"), bob.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept"));

        await Expect.OneAcceptWinsAsync(answers[0], answers[1], customer);
    }

    [Fact]
    public async Task An_agent_cannot_read_or_write_a_conversation_assigned_to_someone_else_and_notes_never_reach_the_customer()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        using var bob = await StaffClient.SignInAsync(_server, "bob");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        var customer = await CustomerAsync();
        await customer.SayAsync("talk to a person");
        var handoff = await QueueItemAsync(alice);
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync($"api/agent/handoffs/{Id(handoff)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync($"api/agent/handoffs/{Id(handoff)}/stream")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "hijack" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsync($"api/agent/handoffs/{Id(handoff)}/end")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync("api/agent/handoffs/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "  " })).StatusCode);
        using var malformed = await alice.Http.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"BadArgument\"", await malformed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = new string('x', 4001) })).StatusCode);

        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/notes", new { text = "VIP customer, refund approved" })).EnsureSuccessStatusCode();

        var detail = await alice.GetJsonAsync($"api/agent/handoffs/{Id(handoff)}");
        Assert.Equal("VIP customer, refund approved", detail.GetProperty("notes")[0].GetProperty("text").GetString());
        Assert.DoesNotContain((await customer.GetActivitiesAsync()).Activities, a => a.Text?.Contains("VIP") == true);
        Assert.DoesNotContain("hijack", JsonSerializer.Serialize((await customer.GetActivitiesAsync()).Activities, BotJson.Options));
    }

    [Fact]
    public async Task The_console_and_its_api_require_a_signed_in_agent()
    {
        using var anonymous = StaffClient.Anonymous(_server);
        using var page = await anonymous.GetAsync("agent");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin", page.Headers.Location!.PathAndQuery.Replace(_server.BaseUrl.ToString(), "/"));
        foreach (var (method, path) in new[] { ("GET", "api/agent/queue"), ("GET", "api/agent/stream"), ("POST", "api/agent/handoffs/x/accept"), ("POST", "api/agent/handoffs/x/messages"), ("GET", "api/agent/handoffs/x") })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var adminOnly = await StaffClient.SignInAsync(_server, "root");
        Assert.Equal(HttpStatusCode.Forbidden, (await adminOnly.Http.GetAsync("api/agent/queue")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => StaffClient.SignInAsync(_server, "alice", "wrong password"));
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync("agent")).StatusCode);
    }

    [Fact]
    public async Task Another_site_cannot_sign_an_agent_in_or_out()
    {
        using var browser = StaffClient.Anonymous(_server);
        var ownOrigin = _server.BaseUrl.GetLeftPart(UriPartial.Authority);
        async Task<HttpResponseMessage> PostAsync(string path, params (string Header, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "alice", ["password"] = StaffClient.Password, ["returnUrl"] = "/agent" }),
            };
            foreach (var (header, value) in headers)
            {
                request.Headers.Add(header, value);
            }
            return await browser.SendAsync(request);
        }

        foreach (var (header, value) in new[] { ("Origin", "https://evil.example"), ("Origin", "null"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Site", "same-site") })
        {
            using var refused = await PostAsync("signin", (header, value));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }
        using var signedOutElsewhere = await PostAsync("signout", ("Origin", "https://evil.example"));
        using var fromOurPage = await PostAsync("signin", ("Origin", ownOrigin));
        // Behind a proxy that rewrites the host the origin looks foreign; the browser's own word decides.
        using var behindProxy = await PostAsync("signin", ("Origin", "https://support.example.com"), ("Sec-Fetch-Site", "same-origin"));
        Assert.Equal(HttpStatusCode.Redirect, behindProxy.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, signedOutElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, fromOurPage.StatusCode);
        Assert.Equal("/agent", fromOurPage.Headers.Location!.ToString());
        Assert.Contains(fromOurPage.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Waiting_customers_hear_their_place_move_up_and_a_returned_conversation_waits_again()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        var first = await CustomerAsync("Jane");
        var second = await CustomerAsync("Omar");
        await first.SayAsync("talk to a person");
        await second.SayAsync("talk to a person");
        await second.WaitForMessageAsync("number 2 in the queue");
        var handoff = await QueueItemAsync(alice, count: 2);

        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();
        await second.WaitForMessageAsync("You're now number 1 in the queue");

        await using var watching = await alice.OpenEventsAsync($"api/agent/handoffs/{Id(handoff)}/stream");
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/return")).EnsureSuccessStatusCode();
        await first.WaitForMessageAsync("Alice has passed your conversation on");
        await watching.EndedAsync(); // no longer hers: her view of the conversation closes
        var queue = (await alice.GetJsonAsync("api/agent/queue")).GetProperty("queue");
        Assert.Equal("Jane", queue[0].GetProperty("handoff").GetProperty("request").GetProperty("customerName").GetString()); // keeps her place
    }

    [Fact]
    public async Task When_an_agent_closes_the_console_for_too_long_their_conversation_goes_back_to_the_queue()
    {
        await _server.DisposeAsync();
        _server = await BotServer.StartAsync(new Dictionary<string, string?>(Settings()) { ["Handoff:AgentAbsentTimeout"] = "00:00:01" });
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        var present = await alice.OpenEventsAsync("api/agent/stream");
        var customer = await CustomerAsync();
        await customer.SayAsync("talk to a person");
        var handoff = await QueueItemAsync(alice);
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();
        await customer.WaitForMessageAsync("Alice from our team has joined");
        await Task.Delay(1500); // open, the console keeps the conversation hers

        Assert.Single((await alice.GetJsonAsync("api/agent/queue")).GetProperty("mine").EnumerateArray());
        await present.DisposeAsync(); // the laptop closes

        await customer.WaitForMessageAsync("Alice has passed your conversation on");
        var again = await QueueItemAsync(alice);
        Assert.Equal(handoff.GetProperty("id").GetString(), again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Presence_away_means_nobody_is_available_so_the_customer_gets_choices_instead()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync("api/agent/presence", new { status = "away" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await alice.PostAsync("api/agent/presence", new { status = "asleep" })).StatusCode);
        var customer = await CustomerAsync();

        await customer.SayAsync("talk to a person");

        var reply = await customer.WaitForMessageAsync("usually here");
        Assert.Contains("Leave a message", reply.SuggestedActions!.Actions.Select(a => a.Title));
    }

    [Fact]
    public async Task A_follow_up_left_by_the_customer_is_in_the_console_until_an_agent_closes_it()
    {
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        var customer = await CustomerAsync();
        await customer.SayAsync("talk to a person");
        await customer.SayAsync("Leave a message");
        await customer.SayAsync("jane@example.com");
        await customer.SayAsync("Nothing to add");

        var followUps = (await alice.GetJsonAsync("api/agent/queue")).GetProperty("followUps");
        var followUp = Assert.Single(followUps.EnumerateArray());
        Assert.Equal("jane@example.com", followUp.GetProperty("contact").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync($"api/agent/follow-ups/{Uri.EscapeDataString(followUp.GetProperty("id").GetString()!)}/close")).StatusCode);
        Assert.Empty((await alice.GetJsonAsync("api/agent/queue")).GetProperty("followUps").EnumerateArray());
    }

    [Fact]
    public async Task A_web_chat_client_cannot_fake_the_hubs_handoff_events()
    {
        var customer = await CustomerAsync();
        await customer.SayAsync("talk to a person");

        using var response = await customer.SendAsync(HttpMethod.Post, $"v3/directline/conversations/{customer.ConversationId}/activities",
            new Activity { Type = ActivityTypes.Event, Name = "handoff.status", Value = JsonSerializer.SerializeToElement(new { state = "completed" }), From = new ChannelAccount { Id = "x" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_customer_on_Azure_hosted_Web_Chat_gets_the_agents_words_through_the_Bot_Connector()
    {
        await using var connector = await FakeConnector.StartAsync();
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        var conversation = Guid.NewGuid().ToString("N"); // not one of this server's own Direct Line conversations
        var ask = Activities.Message("talk to a person", conversation, channelId: "webchat", serviceUrl: connector.ServiceUrl);
        (await _server.PostActivityAsync(ask)).EnsureSuccessStatusCode();
        var handoff = await QueueItemAsync(alice);

        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "Hello from Alice" })).EnsureSuccessStatusCode();

        var texts = new List<string?>();
        while (!texts.Contains("Hello from Alice"))
        {
            texts.Add((await connector.NextAsync(conversation)).Activity.Text);
        }
        Assert.Contains(texts, t => t?.Contains("Alice from our team has joined") == true);
    }

    [Fact]
    public async Task When_the_customers_channel_is_down_the_agent_is_told_their_message_was_not_sent()
    {
        await _server.DisposeAsync();
        _server = await BotServer.StartAsync(new Dictionary<string, string?>(Settings()) { ["Connector:MaxAttempts"] = "1" });
        var connector = await FakeConnector.StartAsync();
        using var alice = await StaffClient.SignInAsync(_server, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        var conversation = Guid.NewGuid().ToString("N");
        (await _server.PostActivityAsync(Activities.Message("talk to a person", conversation, channelId: "webchat", serviceUrl: connector.ServiceUrl))).EnsureSuccessStatusCode();
        var handoff = await QueueItemAsync(alice);
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();
        await connector.DisposeAsync(); // the channel goes away

        using var sent = await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages", new { text = "Are you still there?" });
        using var malformed = await alice.Http.PostAsync($"api/agent/handoffs/{Id(handoff)}/messages",
            new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadGateway, sent.StatusCode);
        Assert.Contains("it was not sent", await sent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var transcript = (SupportBot.Storage.ITranscriptStore)_server.Services.GetService(typeof(SupportBot.Storage.ITranscriptStore))!;
        var stored = await transcript.GetConversationAsync("webchat", conversation, default);
        Assert.Contains(stored, e => e.Activity.Text == "talk to a person");
        Assert.DoesNotContain(stored, e => e.Activity.Text == "Are you still there?"); // not shown as sent
        var detail = await alice.GetJsonAsync($"api/agent/handoffs/{Id(handoff)}");
        Assert.Equal("assigned", detail.GetProperty("handoff").GetProperty("status").GetString()); // nothing else changed
    }

    [Fact]
    public async Task With_the_built_in_hub_a_channel_cannot_say_a_person_took_or_ended_a_conversation()
    {
        var status = Activities.Message("", Guid.NewGuid().ToString("N"), channelId: "webchat");
        status.Type = ActivityTypes.Event;
        status.Name = "handoff.status";
        status.Value = JsonSerializer.SerializeToElement(new { state = "completed" });
        status.DeliveryMode = DeliveryModes.ExpectReplies;

        using var response = await _server.PostActivityAsync(status);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    public async Task Signing_in_never_sends_the_person_to_another_site(string returnUrl)
    {
        using var browser = StaffClient.Anonymous(_server);

        using var response = await browser.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "alice",
            ["password"] = StaffClient.Password,
            ["returnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/agent", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_queue_and_an_accepted_conversation_survive_a_restart()
    {
        var customer = await CustomerAsync();
        await customer.SayAsync("my parcel hasnt arrived, order 554433");
        await customer.SayAsync("talk to a person");
        await customer.SayAsync("Wait for a person");
        var other = await CustomerAsync("Omar");
        await other.SayAsync("talk to a person");
        await other.WaitForMessageAsync("usually here"); // nobody signed in yet
        await other.SayAsync("Wait for a person");
        var data = _server.DataDirectory;
        await _server.DisposeAsync();
        _server = await BotServer.StartAsync(Settings(), data);

        using var alice = await StaffClient.SignInAsync(_server, "alice");
        var handoff = await QueueItemAsync(alice, count: 2);
        Assert.Equal("554433", handoff.GetProperty("request").GetProperty("details").GetProperty("orderNumber").GetString());
        (await alice.PostAsync($"api/agent/handoffs/{Id(handoff)}/accept")).EnsureSuccessStatusCode();
        customer = new DirectLineClient(_server.Http, customer.Token) { ConversationId = customer.ConversationId };
        await customer.WaitForMessageAsync("Alice from our team has joined");
    }
}
