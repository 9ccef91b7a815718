using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using SupportBot.Channels.Teams;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>A bot as Teams meets it in production: channel JWTs checked, and its replies posted to the (fake) Bot
/// Connector with its own token, which MSAL fetches from a loopback Entra token endpoint over HTTPS.</summary>
public sealed class TeamsBot : IAsyncLifetime
{
    public const string AppId = "5b3c1f0e-8a1d-4c55-9a9e-2f6d8d7e4c21";
    public const string Secret = "teams-test-secret";
    public const string Tenant = "72f988bf-0000-0000-0000-2d7cd011db47";

    public FakeIdentityProvider Identity { get; private set; } = null!;

    public FakeConnector Connector { get; private set; } = null!;

    public BotServer Bot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await FakeIdentityProvider.StartAsync();
        Identity.Client = (AppId, Secret);
        Connector = await FakeConnector.StartAsync();
        var msal = Identity.MsalHttpClientFactory;
        Bot = await BotServer.StartAsync(new Dictionary<string, string?>(StaffClient.Accounts(("alice", "Alice", ["Agent"])))
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = Secret,
            ["BotFrameworkOpenIdMetadataUrl"] = Identity.BotFrameworkMetadataUrl,
            ["EntraOpenIdMetadataUrl"] = Identity.EntraMetadataUrl,
            ["EntraAuthority"] = Identity.EntraAuthority,
            ["Teams:AllowedTenants"] = $"{Tenant}, 0f9e8d7c-6b5a-4321-8fed-cba987654321",
            ["Playbook:Path"] = TestPlaybooks.AlwaysOpen, // handoffs queue whenever the tests run
        }, configureServices: services => services.AddSingleton(msal));
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Connector.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>Realistic Teams activities (Fixtures/teams-*.json) through the real /api/messages.</summary>
public sealed class TeamsChannelTests(TeamsBot fixture) : IClassFixture<TeamsBot>
{
    private const string Megan = "00000000-0000-0000-0000-000000000001";

    [Fact]
    public async Task A_personal_message_is_answered_at_the_connector_under_its_conversation_and_activity()
    {
        var message = Fixture("teams-personal-message.json", PersonalConversation());

        var replies = await TurnAsync(message);

        Assert.NotEmpty(replies);
        foreach (var reply in replies)
        {
            Assert.Equal($"/emea/v3/conversations/{message.Conversation!.Id}/activities/{message.Id}", Uri.UnescapeDataString(reply.Path));
            Assert.Equal(message.Conversation.Id, reply.Activity.Conversation?.Id);
            Assert.Equal("28:00000000-0000-0000-0000-0000000000bb", reply.Activity.From?.Id);
        }
        // Know their name: the Teams profile's (a welcome, or a welcome back when another test met her first).
        Assert.Contains("Megan", replies[0].Activity.Text);
    }

    [Fact]
    public async Task Replies_carry_the_bots_own_token_which_is_fetched_once_and_reused()
    {
        var conversation = PersonalConversation();
        List<FakeConnector.Received> replies = [];
        foreach (var text in new[] { "hello", "my parcel hasn't arrived, order 123456", "yes" })
        {
            var message = Fixture("teams-personal-message.json", conversation);
            message.Text = text;
            message.Id = Guid.NewGuid().ToString("N"); // three messages, not one redelivered
            replies.AddRange(await TurnAsync(message));
        }

        Assert.True(replies.Count >= 3, $"Expected a reply to each message, got {replies.Count}");
        var issued = Assert.Single(fixture.Identity.IssuedTokens);
        Assert.Equal(1, fixture.Identity.TokenRequests);
        Assert.All(replies, r => Assert.Equal("Bearer " + issued, r.Authorization));
    }

    [Fact]
    public async Task A_channel_message_that_mentions_the_bot_is_answered_in_its_thread_without_the_mention()
    {
        var thread = ChannelThread();
        var message = Fixture("teams-mention.json", thread);

        var replies = await TurnAsync(message);

        Assert.NotEmpty(replies);
        Assert.All(replies, r => Assert.Equal($"/emea/v3/conversations/{thread}/activities/{message.Id}", Uri.UnescapeDataString(r.Path)));
        // The thread part is escaped, not taken as a path parameter.
        Assert.All(replies, r => Assert.Contains("%3Bmessageid%3D", r.RawTarget, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(replies, r => (r.Activity.Text ?? "").Contains("<at>", StringComparison.Ordinal));
        Assert.Contains("10045", JsonSerializer.Serialize(await StoredAsync($"msteams/conversations/{thread}")));
    }

    [Fact]
    public async Task The_customer_is_the_Teams_user_so_their_profile_is_stored_under_the_aad_object_id()
    {
        var message = Fixture("teams-personal-message.json", PersonalConversation());
        message.From!.Id = "29:" + Guid.NewGuid().ToString("N"); // the 29: id differs per app; the Entra user does not

        await TurnAsync(message);

        var profile = await StoredAsync($"msteams/users/{Megan}");
        Assert.Equal("Megan", profile?.GetProperty("profile").GetProperty("name").GetString());
        Assert.Null(await StoredAsync($"msteams/users/{message.From.Id}"));
    }

    [Fact]
    public async Task A_group_chat_message_without_a_mention_of_the_bot_is_ignored()
    {
        var chat = $"19:{Guid.NewGuid():N}@thread.v2";
        var chatter = Fixture("teams-groupchat-no-mention.json", chat);

        var ignored = await TurnAsync(chatter);

        Assert.Empty(ignored);
        Assert.Null(await StoredAsync($"msteams/conversations/{chat}"));

        // The same chat, now mentioning the bot, is answered.
        var asked = Fixture("teams-groupchat-no-mention.json", chat);
        asked.Id = "1732353699000";
        asked.Text = "<at>SupportBot</at> where is my order?";
        asked.Entities = [Mention()];
        var answered = await TurnAsync(asked);
        Assert.NotEmpty(answered);
        Assert.All(answered, r => Assert.Equal(asked.Id, r.Activity.ReplyToId));
    }

    [Fact]
    public async Task Each_channel_thread_keeps_its_own_conversation_state()
    {
        var channel = $"19:{Guid.NewGuid():N}@thread.tacv2";
        var first = Fixture("teams-mention.json", channel + ";messageid=1732352504123");
        var second = Fixture("teams-mention.json", channel + ";messageid=1732352599999");
        second.Text = "<at>SupportBot</at> I want to return a jumper";

        await TurnAsync(first);
        await TurnAsync(second);

        var firstState = JsonSerializer.Serialize(await StoredAsync($"msteams/conversations/{first.Conversation!.Id}"));
        var secondState = JsonSerializer.Serialize(await StoredAsync($"msteams/conversations/{second.Conversation!.Id}"));
        Assert.Contains("10045", firstState);
        Assert.DoesNotContain("jumper", firstState);
        Assert.Contains("jumper", secondState);
        Assert.DoesNotContain("10045", secondState);
    }

    [Fact]
    public async Task A_personal_install_is_welcomed_once_although_Teams_announces_it_twice()
    {
        var conversation = PersonalConversation();
        var added = Fixture("conversation-update.json", conversation);
        var installed = Fixture("teams-installation-update.json", conversation);

        // Teams may deliver both at the same moment.
        var posts = await Task.WhenAll(PostAsync(added), PostAsync(installed));
        Assert.All(posts, status => Assert.Equal(HttpStatusCode.OK, status));
        var welcome = fixture.Connector.Drain();

        var single = Assert.Single(welcome);
        Assert.Contains("welcome", single.Activity.Text, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("?", single.Activity.Text); // listen first: an open question, not a name prompt

        // A later update (an app upgrade, the member list refreshed) does not welcome again.
        var later = Fixture("conversation-update.json", conversation);
        later.Id = "f:later";
        Assert.Empty(await TurnAsync(later));
        var upgraded = Fixture("teams-installation-update.json", conversation);
        upgraded.Id = "f:upgrade";
        Assert.Empty(await TurnAsync(upgraded));
    }

    [Fact]
    public async Task In_a_channel_choices_come_as_an_Adaptive_Card_whose_buttons_round_trip()
    {
        var thread = ChannelThread();
        var question = Fixture("teams-mention.json", thread);
        question.Text = "<at>SupportBot</at> my parcel hasn't arrived, order 123456";

        var asked = await TurnAsync(question);

        var card = Assert.Single(asked, r => r.Activity.Attachments is { Count: > 0 }).Activity;
        Assert.Null(card.SuggestedActions);
        var attachment = Assert.Single(card.Attachments!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.ContentType);
        var content = attachment.Content!.Value;
        Assert.Equal("AdaptiveCard", content.GetProperty("type").GetString());
        Assert.Equal("1.5", content.GetProperty("version").GetString());
        Assert.Equal("TextBlock", content.GetProperty("body")[0].GetProperty("type").GetString());
        var prompt = content.GetProperty("body")[0].GetProperty("text").GetString();
        var actions = content.GetProperty("actions").EnumerateArray().ToList();
        Assert.All(actions, a => Assert.Equal("Action.Submit", a.GetProperty("type").GetString()));
        Assert.Equal(["Yes", "No"], actions.Select(a => a.GetProperty("data").GetProperty("choice").GetString()));

        // Tapping "Yes" posts a message with no text and no mention, only the value.
        var tapped = Fixture("teams-card-submit.json", thread);
        tapped.Conversation!.ConversationType = "channel";
        tapped.Conversation.IsGroup = true;
        tapped.Value = actions[0].GetProperty("data").Clone();
        var answered = await TurnAsync(tapped);

        Assert.NotEmpty(answered);
        Assert.DoesNotContain(answered, r => CardText(r.Activity) == prompt); // understood, not asked again
    }

    [Fact]
    public async Task A_case_closes_with_a_rating_tapped_on_an_Adaptive_Card_in_personal_chat()
    {
        var conversation = PersonalConversation();
        var reflected = await TurnAsync(Fixture("teams-personal-message.json", conversation));
        // Two choices in personal chat: suggested actions, imBack.
        var confirm = Assert.Single(reflected, r => r.Activity.SuggestedActions is not null).Activity.SuggestedActions!;
        Assert.Equal(["Yes", "No"], confirm.Actions.Select(a => a.Title));
        Assert.All(confirm.Actions, a => Assert.Equal(ActionTypes.ImBack, a.Type));

        var solved = await TurnAsync(Tap(conversation, "Yes"));
        Assert.Contains(solved, r => r.Activity.SuggestedActions is not null);
        var rating = await TurnAsync(Tap(conversation, "Yes"));

        // Five ratings are more than Teams shows as suggested actions: an Adaptive Card.
        var csat = Assert.Single(rating, r => r.Activity.Attachments is { Count: > 0 }).Activity;
        Assert.Null(csat.SuggestedActions);
        Assert.Equal(["1", "2", "3", "4", "5"], ChoiceFactory.OfferedChoices(csat));
        var comment = await TurnAsync(Tap(conversation, "4"));
        Assert.Equal(["No comment"], ChoiceFactory.OfferedChoices(comment.Last().Activity));
        var closing = await TurnAsync(Tap(conversation, "No comment"));

        Assert.StartsWith("Thank you, Megan", closing.Single().Activity.Text);
        var satisfaction = (await StoredAsync($"msteams/conversations/{conversation}"))!.Value.GetProperty("case").GetProperty("satisfaction");
        Assert.Equal(4, satisfaction.GetProperty("rating").GetInt32());
        Assert.Equal(JsonValueKind.Null, satisfaction.TryGetProperty("comment", out var c) ? c.ValueKind : JsonValueKind.Null);
    }

    [Fact]
    public async Task A_message_from_a_tenant_outside_the_allow_list_gets_one_polite_answer_and_nothing_else()
    {
        var conversation = PersonalConversation();
        var message = Fixture("teams-personal-message.json", conversation);
        var stranger = "11111111-2222-3333-4444-555555555555";
        message.ChannelData = JsonSerializer.SerializeToElement(new { tenant = new { id = stranger } });
        message.Conversation!.TenantId = stranger;

        var replies = await TurnAsync(message);

        var refusal = Assert.Single(replies).Activity;
        Assert.Equal(TeamsTenantGuard.NotAvailableText, refusal.Text);
        Assert.Null(refusal.SuggestedActions);
        Assert.Null(await StoredAsync($"msteams/conversations/{conversation}"));
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_handoff_on_Teams_is_relayed_both_ways_with_proactive_messages_through_the_connector()
    {
        using var alice = await StaffClient.SignInAsync(fixture.Bot, "alice");
        await using var present = await alice.OpenEventsAsync("api/agent/stream");
        await present.NextAsync("queue");
        var conversation = PersonalConversation();
        var ask = Fixture("teams-personal-message.json", conversation);
        ask.Text = "I'd like to talk to a person please";

        var queued = await TurnAsync(ask);

        Assert.Contains("in the queue", string.Join(" ", queued.Select(r => CardText(r.Activity))));
        var handoff = (await alice.GetJsonAsync("api/agent/queue")).GetProperty("queue").EnumerateArray()
            .Select(q => q.GetProperty("handoff")).Single(h => h.GetProperty("channel").GetString() == "msteams");
        Assert.Equal("Megan", handoff.GetProperty("request").GetProperty("customerName").GetString());
        var id = handoff.GetProperty("id").GetString();

        (await alice.PostAsync($"api/agent/handoffs/{id}/accept")).EnsureSuccessStatusCode();
        var joined = await fixture.Connector.NextAsync(conversation);
        (await alice.PostAsync($"api/agent/handoffs/{id}/messages", new { text = "Hi Megan, Alice here." })).EnsureSuccessStatusCode();
        var relayed = await fixture.Connector.NextAsync(conversation);
        (await alice.PostAsync($"api/agent/handoffs/{id}/typing")).EnsureSuccessStatusCode();
        var typing = await fixture.Connector.NextAsync(conversation);

        Assert.Contains("Alice from our team has joined", joined.Activity.Text);
        Assert.Equal("Hi Megan, Alice here.", relayed.Activity.Text);
        Assert.Equal(ActivityTypes.Typing, typing.Activity.Type);
        foreach (var proactive in new[] { joined, relayed, typing })
        {
            // A new message in the conversation (nothing to reply to), as the bot, with the bot's own token.
            Assert.Equal($"/emea/v3/conversations/{conversation}/activities", Uri.UnescapeDataString(proactive.Path));
            Assert.Equal("28:00000000-0000-0000-0000-0000000000bb", proactive.Activity.From?.Id);
            Assert.StartsWith("Bearer ", proactive.Authorization);
        }

        var reply = Fixture("teams-personal-message.json", conversation);
        reply.Id = Guid.NewGuid().ToString("N");
        reply.Text = "thanks!";
        Assert.Empty(await TurnAsync(reply)); // the bot is silent while Alice has it
        (await alice.PostAsync($"api/agent/handoffs/{id}/end")).EnsureSuccessStatusCode();
        Assert.Contains("while Alice helped you", (await fixture.Connector.NextAsync(conversation)).Activity.Text);
    }

    private static string PersonalConversation() => $"a:1{Guid.NewGuid():N}";

    private static string ChannelThread() => $"19:{Guid.NewGuid():N}@thread.tacv2;messageid=1732352504123";

    /// <summary>A fixture as Teams sent it, pointed at the fake connector and given its own conversation.</summary>
    private Activity Fixture(string name, string conversationId)
    {
        var activity = JsonSerializer.Deserialize<Activity>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)), BotJson.Options)!;
        activity.ServiceUrl = fixture.Connector.ServiceUrl + "emea/";
        activity.Conversation!.Id = conversationId;
        return activity;
    }

    /// <summary>An Adaptive Card button (or suggested action) tapped in personal chat: empty text, value {choice}.</summary>
    private Activity Tap(string conversationId, string choice)
    {
        var tap = Fixture("teams-card-submit.json", conversationId);
        tap.Id = "f:" + Guid.NewGuid();
        tap.Value = JsonSerializer.SerializeToElement(new { choice });
        return tap;
    }

    private static Entity Mention() => JsonSerializer.Deserialize<Entity>(
        """{ "type": "mention", "text": "<at>SupportBot</at>", "mentioned": { "id": "28:00000000-0000-0000-0000-0000000000bb", "name": "SupportBot" } }""", BotJson.Options)!;

    private async Task<HttpStatusCode> PostAsync(Activity activity)
    {
        using var response = await fixture.Bot.PostActivityAsync(activity, fixture.Identity.BotFrameworkToken(TeamsBot.AppId, activity.ServiceUrl!));
        return response.StatusCode;
    }

    /// <summary>Posts one activity with a channel token and answers what the bot posted to the connector for it.</summary>
    private async Task<IReadOnlyList<FakeConnector.Received>> TurnAsync(Activity activity)
    {
        fixture.Connector.Drain();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(activity));
        return fixture.Connector.Drain();
    }

    private async Task<JsonElement?> StoredAsync(string key)
    {
        var storage = (IStorage)fixture.Bot.Services.GetService(typeof(IStorage))!;
        var items = await storage.ReadAsync([key], default);
        return items.TryGetValue(key, out var item) ? JsonDocument.Parse(item.Json).RootElement.Clone() : null;
    }

    private static string? CardText(Activity activity) =>
        activity.Attachments?.FirstOrDefault()?.Content is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("body", out var body)
            ? body[0].GetProperty("text").GetString()
            : activity.Text;
}
