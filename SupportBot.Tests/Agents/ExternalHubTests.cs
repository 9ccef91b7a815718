using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Agents;

/// <summary><c>Handoff:Mode = External</c>: the bot hands over to a contact centre with the Bot Framework handoff
/// events, through the real /api/messages, and follows the contact centre's handoff.status.</summary>
public sealed class ExternalHubTests : IAsyncLifetime
{
    private BotServer _server = null!;

    public async Task InitializeAsync() => _server = await BotServer.StartAsync(new Dictionary<string, string?> { ["Handoff:Mode"] = "External" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<IReadOnlyList<Activity>> SayAsync(string conversation, string text) =>
        _server.ExchangeAsync(Activities.Message(text, conversation));

    private Task<IReadOnlyList<Activity>> StatusAsync(string conversation, string state)
    {
        var status = Activities.Message("", conversation);
        status.Type = ActivityTypes.Event;
        status.Text = null;
        status.Name = "handoff.status";
        status.Value = JsonSerializer.SerializeToElement(new { state, message = "from the contact centre" });
        return _server.ExchangeAsync(status);
    }

    [Fact]
    public async Task Handoff_initiate_carries_the_context_package_and_the_redacted_transcript()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync(conversation, "hi, I'm Jane");
        await SayAsync(conversation, "I was charged twice on card 4111 1111 1111 1111");
        await SayAsync(conversation, "yes");

        var replies = await SayAsync(conversation, "talk to a person");

        Assert.Contains("passed on everything you've told me", Expect.Text(replies));
        var initiate = Assert.Single(replies, r => r.Type == ActivityTypes.Event);
        Assert.Equal("handoff.initiate", initiate.Name);
        Assert.Equal(conversation, initiate.Conversation?.Id);
        Assert.Equal(Activities.UserOf(conversation), initiate.From?.Id); // the protocol names the customer
        Assert.Equal(conversation, initiate.RelatesTo?.Conversation?.Id);
        var context = initiate.Value!.Value;
        Assert.Equal("Jane", context.GetProperty("customerName").GetString());
        Assert.Equal("billing_payments", context.GetProperty("topicId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(context.GetProperty("summary").GetString()));
        Assert.True(context.TryGetProperty("requestedAt", out _));
        var transcript = Assert.Single(initiate.Attachments!);
        Assert.Equal("application/json", transcript.ContentType);
        Assert.Equal("Transcript", transcript.Name);
        var texts = transcript.Content!.Value.GetProperty("activities").EnumerateArray().Select(a => a.TryGetProperty("text", out var t) ? t.GetString() : null).ToList();
        Assert.Contains("I was charged twice on card [redacted]", texts);
        Assert.Contains("talk to a person", texts);
        Assert.DoesNotContain(texts, t => t?.Contains("4111") == true);
    }

    [Fact]
    public async Task A_redelivered_request_for_a_person_gets_its_handoff_initiate_again()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync(conversation, "hi, I'm Jane");
        var ask = Activities.Message("talk to a person", conversation);

        var replies = await _server.ExchangeAsync(ask);
        var again = await _server.ExchangeAsync(ask); // the contact centre never saw the response: the channel retries

        // The event is sent as from the customer, as the protocol has it: it is still one of the turn's replies.
        Assert.Contains(again, r => r.Name == "handoff.initiate");
        Assert.Equal(replies.Select(r => (r.Id, r.Type, r.Name)), again.Select(r => (r.Id, r.Type, r.Name)));
    }

    [Fact]
    public async Task The_bot_is_silent_once_handed_over_and_resumes_with_the_satisfaction_question_when_the_hub_completes()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync(conversation, "hi, I'm Jane");
        await SayAsync(conversation, "talk to a person");

        var accepted = await StatusAsync(conversation, "accepted");
        var silent = await SayAsync(conversation, "hello? is anyone there");
        var completed = await StatusAsync(conversation, "completed");

        Assert.Contains("joined", Expect.Text(accepted));
        Assert.Empty(silent);
        Assert.Contains("how would you rate your experience", Expect.Text(completed));
        Expect.Choices(completed, "1", "5");
    }

    [Fact]
    public async Task A_failed_handoff_offers_a_message_for_follow_up_or_the_bot()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync(conversation, "hi, I'm Jane");
        await SayAsync(conversation, "talk to a person");

        var failed = await StatusAsync(conversation, "failed");
        await SayAsync(conversation, "Leave a message");
        await SayAsync(conversation, "jane@example.com");
        var done = await SayAsync(conversation, "Nothing to add");

        Expect.Choices(failed, "Leave a message", "Keep going with the bot");
        Expect.NoBareRefusal(failed);
        Assert.Contains("jane@example.com within 24 hours", Expect.Text(done));
        var queue = (SupportBot.Agents.IHandoffQueue)_server.Services.GetService(typeof(SupportBot.Agents.IHandoffQueue))!;
        Assert.Contains(await queue.OpenFollowUpsAsync(), f => f.Contact == "jane@example.com");
    }
}
