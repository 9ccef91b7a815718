using SupportBot.Agents;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Agents;

/// <summary>What every handoff queue promises, run against each implementation. <see cref="Other"/> is a second,
/// separately constructed queue on the same storage: another instance of the bot.</summary>
public abstract class HandoffQueueContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    protected IHandoffQueue Queue { get; set; } = null!;

    protected IHandoffQueue Other { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static ConversationReference Reference(string conversationId) => new()
    {
        ChannelId = "webchat",
        ServiceUrl = "http://127.0.0.1:1/",
        Conversation = new ConversationAccount { Id = conversationId },
        User = new ChannelAccount { Id = "user-" + conversationId },
    };

    private static HandoffRequest Request(string customer) =>
        new(customer, null, "webchat", false, null, "delivery", "Order status and delivery", 0.9, new Dictionary<string, string> { ["orderNumber"] = "554433" },
            $"{customer} asks where the parcel is", false, T0);

    protected Task<Handoff> EnqueueAsync(string conversationId, string turn, int minute = 0, IHandoffQueue? on = null) =>
        (on ?? Queue).EnqueueAsync(ConversationKeys.IdFor("webchat/" + conversationId, turn), Request(conversationId), Reference(conversationId), T0.AddMinutes(minute));

    [Fact]
    public async Task A_conversation_has_one_active_handoff_however_often_or_wherever_it_asks()
    {
        var first = await EnqueueAsync("c1", "a1");
        var again = await EnqueueAsync("c1", "a2", minute: 1, on: Other);
        var rerun = await EnqueueAsync("c1", "a1");

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, rerun.Id);
        Assert.Equal(HandoffStatus.Queued, first.Status);
        Assert.Equal("554433", first.Request.Details["orderNumber"]);
        Assert.Equal("c1", first.Reference.Conversation!.Id);
        Assert.Equal([first.Id], (await Other.QueuedAsync()).Select(h => h.Id));
        Assert.Equal(first.Id, (await Other.ActiveAsync("webchat/c1"))!.Id);
    }

    [Fact]
    public async Task Of_two_requests_of_one_conversation_racing_on_two_instances_one_is_queued_and_the_other_leaves_no_trace()
    {
        for (var round = 0; round < 5; round++)
        {
            var conversation = $"twice{round}";
            var handoffs = await Task.WhenAll(
                Task.Run(() => EnqueueAsync(conversation, "a")),
                Task.Run(() => EnqueueAsync(conversation, "b", on: Other)));

            Assert.Equal(handoffs[0].Id, handoffs[1].Id);
            var loser = ConversationKeys.IdFor("webchat/" + conversation, handoffs[0].Id == ConversationKeys.IdFor("webchat/" + conversation, "a") ? "b" : "a");
            Assert.Null(await Queue.GetAsync(loser));
        }
        Assert.Equal(5, (await Other.QueuedAsync()).Count);
    }

    [Fact]
    public async Task The_queue_is_in_order_of_asking_and_each_learns_its_place_on_arrival()
    {
        var a = await EnqueueAsync("a", "1", minute: 0);
        var b = await EnqueueAsync("b", "1", minute: 1, on: Other);
        var c = await EnqueueAsync("c", "1", minute: 2);

        Assert.Equal([a.Id, b.Id, c.Id], (await Queue.QueuedAsync()).Select(h => h.Id));
        Assert.Equal([1, 2, 3], new[] { a, b, c }.Select(h => h.ToldPosition));
        await Other.SetToldPositionAsync(c.Id, 2);
        await Other.MarkAnnouncedAsync(c.Id, T0.AddMinutes(3));
        var told = (await Queue.GetAsync(c.Id))!;
        Assert.Equal(2, told.ToldPosition);
        Assert.Equal(T0.AddMinutes(3), told.AnnouncedAt);
    }

    [Fact]
    public async Task Of_two_instances_accepting_at_once_exactly_one_wins_and_both_see_who()
    {
        for (var round = 0; round < 5; round++)
        {
            var handoff = await EnqueueAsync($"race{round}", "1");

            var wins = await Task.WhenAll(
                Task.Run(() => Queue.AcceptAsync(handoff.Id, "alice", "Alice", null, T0.AddMinutes(2))),
                Task.Run(() => Other.AcceptAsync(handoff.Id, "bob", "Bob", null, T0.AddMinutes(2))));

            Assert.Single(wins, true);
            var winner = wins[0] ? "alice" : "bob";
            Assert.Equal(winner, (await Queue.GetAsync(handoff.Id))!.Agent);
            Assert.Equal(winner, (await Other.GetAsync(handoff.Id))!.Agent);
            Assert.Equal([handoff.Id], (await Other.AssignedAsync()).Select(h => h.Id));
            Assert.Equal(HandoffStatus.Assigned, (await Other.ActiveAsync($"webchat/race{round}"))!.Status);
            Assert.True(await Queue.EndAsync(handoff.Id, winner, T0.AddMinutes(3)));
        }
        Assert.Empty(await Other.QueuedAsync());
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMinutes(2), 5), await Other.RecentWaitsAsync(20));
    }

    [Fact]
    public async Task A_returned_conversation_keeps_its_place_and_only_its_owner_can_return_or_end_it()
    {
        var a = await EnqueueAsync("a", "1", minute: 0);
        var b = await EnqueueAsync("b", "1", minute: 1);
        Assert.True(await Queue.AcceptAsync(a.Id, "alice", "Alice", null, T0.AddMinutes(5)));
        Assert.Equal([b.Id], (await Other.QueuedAsync()).Select(h => h.Id));

        Assert.False(await Other.ReturnAsync(a.Id, "bob", T0.AddMinutes(6)));
        Assert.False(await Other.EndAsync(a.Id, "bob", T0.AddMinutes(6)));
        Assert.True(await Other.ReturnAsync(a.Id, "alice", T0.AddMinutes(6)));

        var queued = await Queue.QueuedAsync();
        Assert.Equal([a.Id, b.Id], queued.Select(h => h.Id));
        Assert.Null(queued[0].Agent);
        Assert.Null(queued[0].ToldPosition);
        Assert.False(await Queue.EndAsync(a.Id, "alice", T0.AddMinutes(7))); // no longer hers
    }

    [Fact]
    public async Task An_ended_conversation_is_free_to_ask_again_and_keeps_its_history()
    {
        var first = await EnqueueAsync("c", "1");
        Assert.True(await Queue.AcceptAsync(first.Id, "alice", "Alice", "19:thread;messageid=1", T0.AddMinutes(1)));
        Assert.Equal(first.Id, (await Other.ByTeamsThreadAsync("19:thread;messageid=1"))!.Id);
        Assert.True(await Other.EndAsync(first.Id, "alice", T0.AddMinutes(2)));

        Assert.Null(await Queue.ActiveAsync("webchat/c"));
        var ended = (await Queue.GetAsync(first.Id))!;
        Assert.Equal((HandoffStatus.Ended, T0.AddMinutes(2)), (ended.Status, ended.EndedAt));
        Assert.Equal(HandoffStatus.Ended, (await Queue.ByTeamsThreadAsync("19:thread;messageid=1"))!.Status);
        Assert.False(await Queue.EndAsync(first.Id, "alice", T0.AddMinutes(3)));
        var second = await EnqueueAsync("c", "2", minute: 4, on: Other);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal([second.Id], (await Queue.QueuedAsync()).Select(h => h.Id));
    }

    [Fact]
    public async Task Only_a_waiting_customer_can_withdraw()
    {
        var waiting = await EnqueueAsync("w", "1");
        var taken = await EnqueueAsync("t", "1");
        Assert.True(await Queue.AcceptAsync(taken.Id, "alice", "Alice", null, T0.AddMinutes(1)));

        Assert.True(await Other.WithdrawAsync("webchat/w", T0.AddMinutes(2)));
        Assert.False(await Other.WithdrawAsync("webchat/w", T0.AddMinutes(3)));
        Assert.False(await Other.WithdrawAsync("webchat/t", T0.AddMinutes(3)));
        Assert.False(await Other.WithdrawAsync("webchat/never", T0.AddMinutes(3)));

        Assert.Empty(await Queue.QueuedAsync());
        Assert.Equal(HandoffStatus.Withdrawn, (await Queue.GetAsync(waiting.Id))!.Status);
        Assert.Null(await Queue.ActiveAsync("webchat/w"));
        Assert.False(await Queue.AcceptAsync(waiting.Id, "bob", "Bob", null, T0.AddMinutes(4)));
        Assert.Equal(HandoffStatus.Assigned, (await Queue.ActiveAsync("webchat/t"))!.Status);
    }

    [Fact]
    public async Task A_follow_up_is_stored_once_and_closed_once()
    {
        FollowUp FollowUp(string id, int dueHours) =>
            new(id, "webchat/" + id, T0, T0.AddHours(dueHours), id + "@example.com", "call me", Request(id), null, null);
        await Queue.AddFollowUpAsync(FollowUp("late", 24));
        await Other.AddFollowUpAsync(FollowUp("late", 24)); // the same turn run again, elsewhere
        await Queue.AddFollowUpAsync(FollowUp("soon", 2));

        Assert.Equal(["soon", "late"], (await Other.OpenFollowUpsAsync()).Select(f => f.Id));
        Assert.True(await Other.CloseFollowUpAsync("soon", "alice", T0.AddHours(1)));
        Assert.False(await Queue.CloseFollowUpAsync("soon", "bob", T0.AddHours(1)));
        Assert.False(await Queue.CloseFollowUpAsync("nope", "bob", T0.AddHours(1)));
        var open = Assert.Single(await Queue.OpenFollowUpsAsync());
        Assert.Equal(("late", "late@example.com", "call me"), (open.Id, open.Contact, open.Note));
    }

    [Fact]
    public async Task The_history_of_the_conversations_asked_for_holds_their_ended_handoffs_and_closed_follow_ups_and_nothing_else()
    {
        var ended = await EnqueueAsync("h1", "1");
        Assert.True(await Other.AcceptAsync(ended.Id, "alice", "Alice", null, T0.AddMinutes(2)));
        Assert.True(await Other.EndAsync(ended.Id, "alice", T0.AddMinutes(9)));
        var waiting = await EnqueueAsync("h2", "1", minute: 3, on: Other);
        await EnqueueAsync("elsewhere", "1");
        await Queue.AddFollowUpAsync(new FollowUp("f3", "webchat/h3", T0, T0.AddHours(24), "h3@example.com", null, Request("h3"), null, null));
        Assert.True(await Queue.CloseFollowUpAsync("f3", "bob", T0.AddHours(1)));

        var (handoffs, followUps) = await Other.HistoryAsync(new HashSet<string> { "webchat/h1", "webchat/h2", "webchat/h3" });

        Assert.Equal([(ended.Id, HandoffStatus.Ended, T0.AddMinutes(2)), (waiting.Id, HandoffStatus.Queued, (DateTimeOffset?)null)],
            handoffs.Select(h => (h.Id, h.Status, h.AcceptedAt)));
        Assert.Equal(("f3", "bob"), (Assert.Single(followUps).Id, followUps[0].ClosedBy));
    }

    [Fact]
    public async Task Notes_are_kept_per_handoff_in_the_order_written()
    {
        var handoff = await EnqueueAsync("n", "1");
        await Queue.AddNoteAsync(handoff.Id, "Alice", "VIP customer", T0.AddMinutes(1));
        await Other.AddNoteAsync(handoff.Id, "Bob", "refund approved <b>", T0.AddMinutes(2));
        await Other.AddNoteAsync("another", "Bob", "elsewhere", T0.AddMinutes(2));

        var notes = await Queue.NotesAsync(handoff.Id);
        Assert.Equal([("Alice", "VIP customer"), ("Bob", "refund approved <b>")], notes.Select(n => (n.Agent, n.Text)));
        Assert.Equal(T0.AddMinutes(2), notes[1].At);
        Assert.Empty(await Queue.NotesAsync("nobody"));
    }
}

public sealed class SqliteHandoffQueueTests : HandoffQueueContractTests
{
    private SqliteDatabase _database = null!;

    public override Task InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(TempFolder.Create("supportbot-queue"), "queue.db"));
        Queue = new SqliteHandoffQueue(_database);
        Other = new SqliteHandoffQueue(_database);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}

[Collection(AzuriteCollection.Name)]
public sealed class BlobHandoffQueueTests(AzuriteFixture azurite) : HandoffQueueContractTests
{
    private string _container = "";

    public override async Task InitializeAsync()
    {
        _container = (await azurite.Server.NewContainerAsync()).Name;
        // Each on a client of its own, as two instances of the bot would be.
        Queue = new BlobHandoffQueue(azurite.Server.Client().GetBlobContainerClient(_container));
        Other = new BlobHandoffQueue(azurite.Server.Client().GetBlobContainerClient(_container));
    }

    [Fact]
    public async Task A_marker_left_behind_by_a_crash_after_the_end_does_not_block_the_conversation()
    {
        var handoff = await EnqueueAsync("crash", "1");
        Assert.True(await Queue.AcceptAsync(handoff.Id, "alice", "Alice", null, T0.AddMinutes(1)));
        // The crash: the handoff was ended, but its marker was never removed.
        var blobs = azurite.Server.Client().GetBlobContainerClient(_container);
        var ended = handoff with { Status = HandoffStatus.Ended, Agent = "alice", EndedAt = T0.AddMinutes(2) };
        await blobs.GetBlobClient($"handoff/{handoff.Id}").UploadAsync(BinaryData.FromString(BotJson.Serialize(ended)), overwrite: true);
        Assert.True((await blobs.GetBlobClient("active/webchat~2Fcrash").ExistsAsync()).Value);

        Assert.Null(await Other.ActiveAsync("webchat/crash"));
        var again = await EnqueueAsync("crash", "2", minute: 3, on: Other);

        Assert.NotEqual(handoff.Id, again.Id);
        Assert.Equal([again.Id], (await Queue.QueuedAsync()).Select(h => h.Id));
    }

    [Fact]
    public async Task A_handoff_written_before_a_crash_is_queued_when_the_turn_runs_again()
    {
        var blobs = azurite.Server.Client().GetBlobContainerClient(_container);
        var first = await EnqueueAsync("crash", "1");
        // The crash: the handoff was written but its marker was not.
        await blobs.GetBlobClient("active/webchat~2Fcrash").DeleteAsync();
        Assert.Empty(await Queue.QueuedAsync());

        var rerun = await EnqueueAsync("crash", "1", on: Other);

        Assert.Equal(first.Id, rerun.Id);
        Assert.Equal([first.Id], (await Queue.QueuedAsync()).Select(h => h.Id));
    }
}
