using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.State;

/// <summary>A conversation's next turn resumes the typed state its last turn stored instead of parsing it again, and
/// only when that is still exactly what is stored.</summary>
public sealed class KeptStateTests
{
    private const string Key = "webchat/conversations/c1";

    [Fact]
    public async Task The_next_turn_gets_the_values_the_last_turn_stored_without_parsing_them_again()
    {
        var (storage, conversation, counter) = Setup(new MemoryStorage());
        var seen = new List<Counter>();

        for (var turn = 1; turn <= 3; turn++)
        {
            await RunAsync(conversation, async (context, ct) =>
            {
                var value = await counter.GetAsync(context, () => new Counter(), ct);
                seen.Add(value);
                value.N++;
            });
        }

        Assert.All(seen, value => Assert.Same(seen[0], value)); // resumed, not parsed
        Assert.Equal(3, seen[2].N);
        Assert.Equal("""{"counter":{"n":3}}""", (await storage.ReadAsync([Key], default))[Key].Json);
    }

    [Fact]
    public async Task A_state_stored_by_someone_else_since_is_read_from_storage()
    {
        var (storage, conversation, counter) = Setup(new MemoryStorage());
        await RunAsync(conversation, async (context, ct) => (await counter.GetAsync(context, () => new Counter(), ct)).N = 1);
        var stored = (await storage.ReadAsync([Key], default))[Key];
        await storage.WriteAsync(new Dictionary<string, StoreItem> { [Key] = new("""{"counter":{"n":40}}""", stored.ETag) }, default);

        var found = 0;
        await RunAsync(conversation, async (context, ct) => found = (await counter.GetAsync(context, () => new Counter(), ct)).N);

        Assert.Equal(40, found);
    }

    [Fact]
    public async Task Changes_of_a_turn_that_failed_are_not_seen_by_the_next()
    {
        var (_, conversation, counter) = Setup(new MemoryStorage());
        await RunAsync(conversation, async (context, ct) => (await counter.GetAsync(context, () => new Counter(), ct)).N = 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(conversation, async (context, ct) =>
        {
            (await counter.GetAsync(context, () => new Counter(), ct)).N = 99;
            throw new InvalidOperationException("the turn fails before its state is saved");
        }));
        var found = 0;
        await RunAsync(conversation, async (context, ct) => found = (await counter.GetAsync(context, () => new Counter(), ct)).N);

        Assert.Equal(1, found);
    }

    [Fact]
    public async Task A_value_set_to_null_reads_as_the_default_in_the_next_turn_as_it_would_after_a_restart()
    {
        var (storage, conversation, _) = Setup(new MemoryStorage());
        var note = conversation.CreateProperty<string?>("note");
        await RunAsync(conversation, (context, ct) => note.SetAsync(context, "old", ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(conversation, (_, _) => throw new InvalidOperationException("parse next time")));
        await RunAsync(conversation, (context, ct) => note.SetAsync(context, null, ct));

        string? found = "unread";
        await RunAsync(conversation, async (context, ct) => found = await note.GetAsync(context, () => "default", ct));

        Assert.Equal("default", found);
        Assert.DoesNotContain("old", (await storage.ReadAsync([Key], default))[Key].Json);
    }

    [Fact]
    public async Task Two_turns_at_once_never_share_one_state()
    {
        var (_, conversation, counter) = Setup(new MemoryStorage());
        await RunAsync(conversation, async (context, ct) => (await counter.GetAsync(context, () => new Counter(), ct)).N = 1);
        var first = new TurnContext(Activities.Message("a", "c1", channelId: "webchat"));
        var second = new TurnContext(Activities.Message("b", "c1", channelId: "webchat"));

        var a = await counter.GetAsync(first, () => new Counter());
        var b = await counter.GetAsync(second, () => new Counter());

        Assert.NotSame(a, b);
        Assert.Equal(1, b.N);
    }

    [Fact]
    public async Task A_turn_whose_commit_conflicted_leaves_nothing_to_resume()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("kept"), "t.db"));
        var (storage, conversation, counter) = Setup(new SqliteStorage(database));
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        await RunAsync(conversation, async (context, ct) => (await counter.GetAsync(context, () => new Counter(), ct)).N = 1, transcript);
        var attempts = new List<int>();

        await RunAsync(conversation, async (context, ct) =>
        {
            var value = await counter.GetAsync(context, () => new Counter(), ct);
            attempts.Add(value.N);
            value.N += 10;
            if (attempts.Count == 1)
            {
                // Another process stores the conversation while this turn runs: its commit conflicts and it runs again.
                var stored = (await storage.ReadAsync([Key], ct))[Key];
                await storage.WriteAsync(new Dictionary<string, StoreItem> { [Key] = new("""{"counter":{"n":5}}""", stored.ETag) }, ct);
            }
        }, transcript);

        Assert.Equal([1, 5], attempts);
        Assert.Equal("""{"counter":{"n":15}}""", (await storage.ReadAsync([Key], default))[Key].Json);
    }

    private static (IStorage, ConversationState, IStatePropertyAccessor<Counter>) Setup(IStorage storage)
    {
        var conversation = new ConversationState(storage);
        return (storage, conversation, conversation.CreateProperty<Counter>("counter"));
    }

    /// <summary>One turn: load, the bot's work, save; replies (one, so the transcript commit runs) delivered nowhere.</summary>
    private static Task RunAsync(ConversationState conversation, Func<ITurnContext, CancellationToken, Task> work, ITranscriptLogger? transcript = null)
    {
        var bot = new LambdaBot(async (context, ct) =>
        {
            await conversation.LoadAsync(context, ct);
            await work(context, ct);
            await context.SendActivityAsync("ok", ct);
            await conversation.SaveChangesAsync(context, ct);
        });
        var pipeline = new MiddlewarePipeline(transcript is null ? [] : [new TranscriptLoggerMiddleware(transcript)]);
        return new TurnRunner(pipeline, bot).RunAsync(Activities.Message("hi", "c1", channelId: "webchat"), _ => Task.CompletedTask, default);
    }

    private sealed class Counter
    {
        public int N { get; set; }
    }
}
