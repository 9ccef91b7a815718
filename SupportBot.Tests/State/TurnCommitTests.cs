using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.State;

/// <summary>With state and transcript in the same SQLite file, a turn's state is committed together with its transcript
/// when its replies are delivered: both stored, or neither.</summary>
public sealed class TurnCommitTests
{
    [Fact]
    public async Task A_conflict_found_at_the_turns_commit_stores_neither_its_state_nor_its_replies_and_the_turn_runs_again()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("turn-commit"), "t.db"));
        var storage = new SqliteStorage(database);
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var conversation = new ConversationState(storage);
        var attempts = 0;
        var bot = new LambdaBot(async (context, ct) =>
        {
            attempts++;
            await conversation.LoadAsync(context, ct);
            await conversation.CreateProperty<string>("v").SetAsync(context, $"attempt {attempts}", ct);
            await context.SendActivityAsync($"reply from attempt {attempts}", ct);
            await conversation.SaveChangesAsync(context, ct);
            if (attempts == 1)
            {
                // Another turn stores this conversation after our save but before our replies go out.
                await storage.WriteAsync(new Dictionary<string, StoreItem> { ["webchat/conversations/c1"] = new("""{"v":"other"}""", "*") }, ct);
            }
        });
        var delivered = new List<string>();

        await new TurnRunner(new MiddlewarePipeline([new TranscriptLoggerMiddleware(transcript)]), bot).RunAsync(
            Activities.Message("hi", "c1", channelId: "webchat"), sent =>
            {
                delivered.AddRange(sent.Select(s => s.Text!));
                return Task.CompletedTask;
            }, default);

        Assert.Equal(2, attempts);
        Assert.Equal(["reply from attempt 2"], delivered);
        Assert.Contains("\"v\":\"attempt 2\"", (await storage.ReadAsync(["webchat/conversations/c1"], default))["webchat/conversations/c1"].Json);
        var stored = await transcript.GetActivitiesAsync("c1", "", 10, default);
        Assert.Equal(["hi", "reply from attempt 2"], stored.Select(e => e.Activity.Text));
    }

    [Fact]
    public async Task State_kept_elsewhere_is_written_on_its_own_before_the_transcript()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("turn-commit"), "t.db"));
        var storage = new MemoryStorage();
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var conversation = new ConversationState(storage);
        var storedBeforeDelivery = false;
        var bot = new LambdaBot(async (context, ct) =>
        {
            await conversation.LoadAsync(context, ct);
            await conversation.CreateProperty<int>("n").SetAsync(context, 1, ct);
            await context.SendActivityAsync("done", ct);
            await conversation.SaveChangesAsync(context, ct);
            storedBeforeDelivery = (await storage.ReadAsync(["webchat/conversations/c2"], ct)).Count == 1;
        });

        await new TurnRunner(new MiddlewarePipeline([new TranscriptLoggerMiddleware(transcript)]), bot).RunAsync(
            Activities.Message("hi", "c2", channelId: "webchat"), _ => Task.CompletedTask, default);

        Assert.False(transcript.CanCommit(storage));
        Assert.True(storedBeforeDelivery);
        Assert.Equal(["hi", "done"], (await transcript.GetActivitiesAsync("c2", "", 10, default)).Select(e => e.Activity.Text));
    }
}
