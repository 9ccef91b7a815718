using System.Text.Json;
using SupportBot.Agents;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Dialogs;

/// <summary>The customer's side of a handoff with the real queue: waiting with a place and an estimate, the choices
/// while waiting, leaving a message, a person taking over (the bot falls silent) and handing back.</summary>
public sealed class HandoffConversationTests
{
    private readonly TestHub _hub = new();

    private async Task<TestConversation> JoinedAsync(string conversationId = "conv-1", string userId = "user-1", TimeProvider? clock = null, MemoryStorage? storage = null)
    {
        var chat = TestConversation.WithSupportBot(storage, ChannelIds.WebChat, "Jane", conversationId, userId, clock, hub: _hub.Hub);
        await chat.SendAsync(chat.Event("webchat/join"));
        return chat;
    }

    /// <summary>What the agent desk does: change the queue, then tell the bot with the hub's event.</summary>
    private async Task<IReadOnlyList<Activity>> HubSaysAsync(TestConversation chat, string state)
    {
        var handoff = (await _hub.Queue.ActiveAsync($"webchat/{chat.Conversation.Id}"))!;
        var now = DateTimeOffset.UtcNow;
        var changed = state switch
        {
            HandoffStates.Accepted => await _hub.Queue.AcceptAsync(handoff.Id, "alice", "Alice", null, now),
            HandoffStates.Queued => await _hub.Queue.ReturnAsync(handoff.Id, "alice", now),
            HandoffStates.Completed => await _hub.Queue.EndAsync(handoff.Id, "alice", now),
            _ => true,
        };
        Assert.True(changed);
        return await chat.SendAsync(Status(chat, state));
    }

    private static Activity Status(TestConversation chat, string state, string? agent = "Alice")
    {
        var activity = chat.Event(HandoffStates.EventName);
        activity.Value = JsonSerializer.SerializeToElement(new { state, agent });
        return activity;
    }

    [Theory]
    [InlineData("Please call me back, my number is 07700 900123", "07700 900123")]
    [InlineData("email me at jane@example.com.", "jane@example.com")]
    [InlineData("+44 (0)7700 900-123 after 5pm", "+44 (0)7700 900-123")]
    [InlineData("jane@example.com or 07700 900123", "jane@example.com or 07700 900123")]
    [InlineData("  ask for Jane at reception  ", "ask for Jane at reception")]
    public void The_contact_left_is_the_detail_in_the_customers_answer_or_all_of_it(string answer, string contact)
    {
        Assert.Equal(contact, LeaveMessageDialog.ContactIn(answer));
    }

    [Fact]
    public async Task With_an_agent_signed_in_the_customer_is_queued_with_their_place_and_an_estimate()
    {
        using var alice = _hub.AgentOnline();
        var first = await JoinedAsync("conv-1", "user-1");
        var second = await JoinedAsync("conv-2", "user-2");
        await first.SendAsync("my parcel hasnt arrived, order 554433");

        var firstReply = await first.SendAsync("talk to a person");
        var secondReply = await second.SendAsync("talk to a person");

        Assert.Contains("number 1 in the queue", Expect.Text(firstReply));
        Assert.Contains("number 2 in the queue", Expect.Text(secondReply));
        Assert.Matches("about \\d+ minutes|less than a minute|about a minute", Expect.Text(secondReply));
        Expect.Choices(firstReply, "Keep waiting", "Leave a message", "Keep going with the bot");
        var queued = await _hub.Queue.QueuedAsync();
        Assert.Equal(["webchat/conv-1", "webchat/conv-2"], queued.Select(h => h.ConversationKey));
        Assert.Equal("554433", queued[0].Request.Details["orderNumber"]);
        Assert.Equal("Jane", queued[0].Request.CustomerName);
        Assert.Equal("conv-1", queued[0].Reference.Conversation!.Id); // where the agent's replies will go
        Assert.Equal("user-1", queued[0].Reference.User!.Id);
    }

    [Fact]
    public async Task Writing_while_waiting_is_acknowledged_and_never_queues_twice()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");

        var noted = await chat.SendAsync("it was a blue jumper by the way");
        var position = await chat.SendAsync("Keep waiting");

        Assert.Contains("added that for the person", Expect.Text(noted));
        Assert.Contains("number 1 in the queue", Expect.Text(position));
        Assert.Single(await _hub.Queue.QueuedAsync());
    }

    [Fact]
    public async Task Going_back_to_the_bot_leaves_the_queue()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");

        var back = await chat.SendAsync("Keep going with the bot");
        var next = await chat.SendAsync("i forgot my password");

        Assert.Equal("Is there anything else I can help you with?", back.Single().Text);
        Assert.Empty(await _hub.Queue.QueuedAsync());
        Assert.Contains("account", Expect.Text(next));
    }

    [Fact]
    public async Task Leaving_a_message_asks_openly_how_to_reach_the_customer_and_creates_a_follow_up_with_the_context()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("my parcel hasnt arrived, order 554433");
        await chat.SendAsync("talk to a person");

        var how = await chat.SendAsync("Leave a message");
        var anything = await chat.SendAsync("jane@example.com or 07700 900123");
        var done = await chat.SendAsync("Please call after 5pm");

        Expect.OpenQuestion(how.Single());
        Assert.Equal(["Nothing to add"], Expect.ChoicesOf(anything));
        Assert.Contains("jane@example.com or 07700 900123", Expect.Text(done));
        Assert.Contains("within 24 hours", Expect.Text(done));
        var followUp = Assert.Single(await _hub.Queue.OpenFollowUpsAsync());
        Assert.Equal("jane@example.com or 07700 900123", followUp.Contact);
        Assert.Equal("Please call after 5pm", followUp.Note);
        Assert.Equal("554433", followUp.Request.Details["orderNumber"]);
        Assert.InRange(followUp.Due - followUp.CreatedAt, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
        Assert.Empty(await _hub.Queue.QueuedAsync()); // the message replaces the wait
    }

    [Fact]
    public async Task With_nobody_signed_in_the_customer_hears_when_people_are_there_and_can_leave_a_message()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync("can I talk to a human");
        await chat.SendAsync("Leave a message");
        await chat.SendAsync("jane@example.com");
        var done = await chat.SendAsync("Nothing to add");

        Assert.Contains("Mon–Sat 08:00–20:00", Expect.Text(replies));
        Expect.Choices(replies, "Leave a message", "Keep going with the bot", "Wait for a person");
        Expect.NoBareRefusal(replies);
        Assert.Contains("jane@example.com", Expect.Text(done));
        Assert.Null(Assert.Single(await _hub.Queue.OpenFollowUpsAsync()).Note);
    }

    [Fact]
    public async Task Outside_business_hours_waiting_is_not_offered()
    {
        var sundayNight = new TestConversation.OpenHours(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero));
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync(clock: sundayNight);

        var replies = await chat.SendAsync("can I talk to a human");

        Assert.Equal(["Leave a message", "Keep going with the bot"], Expect.ChoicesOf(replies));
        Assert.Empty(await _hub.Queue.QueuedAsync());
    }

    [Fact]
    public async Task Once_a_person_accepts_the_bot_is_silent_until_they_hand_back_then_asks_how_it_went()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");

        var joined = await HubSaysAsync(chat, HandoffStates.Accepted);
        var silence = await chat.SendAsync("thanks Alice, it's order 554433");
        var alsoSilence = await chat.SendAsync("talk to a person");
        var back = await HubSaysAsync(chat, HandoffStates.Completed);
        var comment = await chat.SendAsync("5");

        Assert.Equal("Alice from our team has joined and can see everything you've told me.", Expect.Text(joined));
        Assert.Empty(silence);
        Assert.Empty(alsoSilence);
        Assert.Contains("while Alice helped you", Expect.Text(back));
        Expect.Choices(back, "1", "5");
        Assert.Contains("anything you'd like to tell us", Expect.Text(comment));
    }

    [Fact]
    public async Task Passed_back_to_the_queue_the_customer_waits_again_with_their_place()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");
        await HubSaysAsync(chat, HandoffStates.Accepted);

        var requeued = await HubSaysAsync(chat, HandoffStates.Queued);
        var noted = await chat.SendAsync("ok");

        Assert.Contains("Alice has passed your conversation on", Expect.Text(requeued));
        Expect.Choices(requeued, "Keep waiting");
        Assert.Contains("added that", Expect.Text(noted));
    }

    [Fact]
    public async Task A_contact_centre_that_cannot_take_the_conversation_leaves_the_customer_choices()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");
        await HubSaysAsync(chat, HandoffStates.Accepted);

        var failed = await chat.SendAsync(Status(chat, HandoffStates.Failed, agent: null));

        Assert.Contains("couldn't reach a person", Expect.Text(failed));
        Expect.Choices(failed, "Leave a message", "Keep going with the bot");
    }

    [Fact]
    public async Task When_the_hubs_word_on_an_end_was_lost_the_customer_is_not_left_talking_to_nobody()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");
        await HubSaysAsync(chat, HandoffStates.Accepted);
        var handoff = (await _hub.Queue.ActiveAsync($"webchat/{chat.Conversation.Id}"))!;
        await _hub.Queue.EndAsync(handoff.Id, "alice", DateTimeOffset.UtcNow); // ended, but the event never reached the bot

        var next = await chat.SendAsync("i forgot my password");

        Assert.Contains("account", Expect.Text(next));
    }

    [Fact]
    public async Task Starting_over_while_waiting_leaves_the_queue()
    {
        using var alice = _hub.AgentOnline();
        var chat = await JoinedAsync();
        await chat.SendAsync("talk to a person");
        await chat.SendAsync("Leave a message");

        await chat.SendAsync("start over");

        Assert.Empty(await _hub.Queue.QueuedAsync());
        Assert.Contains("account", Expect.Text(await chat.SendAsync("i forgot my password")));
    }

    [Fact]
    public async Task A_status_for_a_conversation_that_was_never_handed_off_changes_nothing()
    {
        var chat = await JoinedAsync();

        var replies = await chat.SendAsync(Status(chat, HandoffStates.Completed));
        var next = await chat.SendAsync("i forgot my password");

        Assert.Empty(replies);
        Assert.Contains("account", Expect.Text(next));
    }
}
