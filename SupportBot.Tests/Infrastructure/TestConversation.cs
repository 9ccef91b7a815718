using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Recognition;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A conversation with a bot in memory that reads like a transcript: send, then expect replies.</summary>
public sealed class TestConversation(IBot bot, string channelId = "test", string conversationId = "conv-1", string userId = "user-1", string? userName = "Jane", IEnumerable<IMiddleware>? middleware = null)
{
    private readonly TurnRunner _runner = new(new MiddlewarePipeline(middleware ?? []), bot);

    public ConversationAccount Conversation { get; } = new() { Id = conversationId };

    public async Task<IReadOnlyList<Activity>> SendAsync(string text) =>
        await SendAsync(Activities.Message(text, conversationId, userId, userName, channelId));

    public async Task<IReadOnlyList<Activity>> SendAsync(Activity activity)
    {
        activity.Conversation = Conversation;
        List<Activity> replies = [];
        await _runner.RunAsync(activity, sent =>
        {
            replies.AddRange(sent);
            return Task.CompletedTask;
        }, default);
        return replies;
    }

    public Activity Event(string name) => new()
    {
        Type = ActivityTypes.Event,
        Name = name,
        ChannelId = channelId,
        From = new ChannelAccount { Id = userId, Name = userName },
        Recipient = new ChannelAccount { Id = "bot" },
    };

    public Task<IReadOnlyList<Activity>> MembersAddedAsync() =>
        SendAsync(Activities.MembersAdded(conversationId, userId, userName, channelId));

    /// <summary>The default playbook's recogniser, trained once for all tests.</summary>
    public static readonly Lazy<PlaybookRuntime> DefaultRuntime = new(() => PlaybookRuntime.Train(PlaybookLoader.Default));

    public static TestConversation WithSupportBot(IStorage? storage = null, string channelId = "test", string? userName = "Jane", string conversationId = "conv-1",
        string userId = "user-1", TimeProvider? clock = null, List<string>? log = null, global::SupportBot.Dialogs.Support.IHandoffHub? hub = null)
    {
        storage ??= new MemoryStorage();
        var bot = new global::SupportBot.Dialogs.Support.SupportBotHandler(new ConversationState(storage), new UserState(storage), () => DefaultRuntime.Value,
            hub ?? new TestHub().Hub, null, clock ?? new OpenHours());
        return new TestConversation(bot, channelId, conversationId, userId, userName,
            [new global::SupportBot.Dialogs.Support.DeadEndGuardMiddleware(() => DefaultRuntime.Value, log is null ? null : log.Add)]);
    }

    /// <summary>A Tuesday at 10:00 in London: the default playbook's business hours.</summary>
    public sealed class OpenHours(DateTimeOffset? now = null) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now ?? new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    }
}
