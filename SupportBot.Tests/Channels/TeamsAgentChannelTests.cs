using System.Net;
using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>The Teams bot with an agents' channel configured.</summary>
public sealed class TeamsAgentsBot : TeamsBot
{
    public const string AgentChannel = "19:agents0a1b2c@thread.tacv2";

    protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
    [
        new("Teams:AgentChannel:ConversationId", AgentChannel),
        new("Teams:AgentChannel:ServiceUrl", Connector.ServiceUrl + "emea/"),
        new("Teams:AgentChannel:TenantId", Tenant),
    ];
}

/// <summary>Agents who live in Teams: a handoff is posted to their channel as a card, accepted there, and the agent and
/// the customer talk through the card's thread, all through the real /api/messages with channel tokens.</summary>
public sealed class TeamsAgentChannelTests(TeamsAgentsBot fixture) : IClassFixture<TeamsAgentsBot>
{
    private const string Adele = "00000000-0000-0000-0000-0000000000ad";

    [Fact]
    public async Task A_handoff_is_accepted_in_the_agents_channel_and_the_card_thread_carries_the_conversation_both_ways()
    {
        var customer = $"a:1{Guid.NewGuid():N}";
        var ask = Fixture("teams-personal-message.json", customer);
        ask.Text = "my parcel hasn't arrived, order 554433. Can I talk to a person?";
        await PostAsync(ask);

        var card = await NextAsync(TeamsAgentsBot.AgentChannel);
        Assert.Contains("in the queue", (await NextAsync(customer)).Activity.Text);
        Assert.Equal($"/emea/v3/conversations/{TeamsAgentsBot.AgentChannel}/activities", Uri.UnescapeDataString(card.Path));
        var content = card.Activity.Attachments!.Single().Content!.Value;
        Assert.Contains("Megan is waiting for a person", content.GetRawText());
        Assert.Contains("554433", content.GetRawText());
        var data = content.GetProperty("actions")[0].GetProperty("data");
        Assert.Equal("accept", data.GetProperty("supportbot").GetString());

        var thread = $"{TeamsAgentsBot.AgentChannel};messageid=1732400000000";
        var accept = Fixture("teams-card-submit.json", thread);
        accept.From = new ChannelAccount { Id = "29:adele", Name = "Adele Vance", AadObjectId = Adele };
        accept.Conversation!.ConversationType = "channel";
        accept.Value = JsonSerializer.SerializeToElement(new { supportbot = "accept", handoff = data.GetProperty("handoff").GetString() });
        Assert.Equal(HttpStatusCode.OK, await PostAsync(accept));
        var confirmed = await NextAsync(thread);
        var joined = await NextAsync(customer);

        Assert.Contains("Adele Vance has Megan's conversation", confirmed.Activity.Text);
        Assert.Contains("Adele Vance from our team has joined", joined.Activity.Text);

        await PostAsync(AgentSays(thread, "Hi Megan, I'm looking at order 554433 now."));
        Assert.Equal("Hi Megan, I'm looking at order 554433 now.", (await NextAsync(customer)).Activity.Text);

        var reply = Fixture("teams-personal-message.json", customer);
        reply.Text = "thank you!";
        await PostAsync(reply);
        Assert.StartsWith("**Megan:** thank you", (await NextAsync(thread)).Activity.Text); // markdown in customer text is escaped

        await PostAsync(AgentSays(thread, "end"));
        Assert.Contains("while Adele Vance helped you", (await NextAsync(customer)).Activity.Text);
        Assert.Equal("Handed back to the bot.", (await NextAsync(thread)).Activity.Text);
    }

    [Fact]
    public async Task Chatter_in_the_agents_channel_is_never_taken_for_a_customer()
    {
        var chatter = AgentSays(TeamsAgentsBot.AgentChannel + ";messageid=1732400000999", "where is order 10045?");

        Assert.Equal(HttpStatusCode.OK, await PostAsync(chatter));
        Assert.DoesNotContain(fixture.Connector.Drain(), r => r.Activity.Conversation?.Id?.StartsWith(TeamsAgentsBot.AgentChannel, StringComparison.Ordinal) == true);
    }

    private readonly List<FakeConnector.Received> _inbox = [];

    /// <summary>The next activity the bot sent to that conversation, keeping those for others (they come in any order).</summary>
    private async Task<FakeConnector.Received> NextAsync(string conversationId)
    {
        while (true)
        {
            if (_inbox.FirstOrDefault(r => r.Activity.Conversation?.Id == conversationId) is { } found)
            {
                _inbox.Remove(found);
                return found;
            }
            _inbox.Add(await fixture.Connector.NextAsync());
        }
    }

    private Activity AgentSays(string thread, string text)
    {
        var message = Fixture("teams-mention.json", thread);
        message.Id = Guid.NewGuid().ToString("N");
        message.From = new ChannelAccount { Id = "29:adele", Name = "Adele Vance", AadObjectId = Adele };
        message.Text = $"<at>SupportBot</at> {text}";
        return message;
    }

    private Activity Fixture(string name, string conversationId)
    {
        var activity = JsonSerializer.Deserialize<Activity>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)), BotJson.Options)!;
        activity.ServiceUrl = fixture.Connector.ServiceUrl + "emea/";
        activity.Conversation!.Id = conversationId;
        activity.Id = Guid.NewGuid().ToString("N");
        return activity;
    }

    private async Task<HttpStatusCode> PostAsync(Activity activity)
    {
        using var response = await fixture.Bot.PostActivityAsync(activity, fixture.Identity.BotFrameworkToken(TeamsBot.AppId, activity.ServiceUrl!));
        return response.StatusCode;
    }
}
