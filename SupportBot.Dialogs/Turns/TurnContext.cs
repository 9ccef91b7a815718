using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

public sealed class TurnContext(Activity activity) : ITurnContext
{
    private readonly List<Activity> _pending = [];
    private readonly List<SendActivitiesHandler> _sendHandlers = [];

    public Activity Activity { get; } = activity;

    public IDictionary<string, object> TurnState { get; } = new Dictionary<string, object>();

    /// <summary>Replies queued this turn, not yet delivered.</summary>
    public IReadOnlyList<Activity> PendingReplies => _pending;

    public Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        activity.Id ??= Activity.NewId();
        activity.Timestamp ??= DateTimeOffset.UtcNow;
        activity.ReplyToId ??= Activity.Id;
        activity.Conversation ??= Activity.Conversation;
        activity.ChannelId ??= Activity.ChannelId;
        activity.ServiceUrl ??= Activity.ServiceUrl;
        activity.From ??= Activity.Recipient;
        activity.Recipient ??= Activity.From;
        _pending.Add(activity);
        return Task.FromResult(new ResourceResponse(activity.Id));
    }

    public ITurnContext OnSendActivities(SendActivitiesHandler handler)
    {
        _sendHandlers.Add(handler);
        return this;
    }

    /// <summary>Runs the send handlers over the queued replies, then <paramref name="deliver"/> if there are any. The
    /// handlers run even for a turn without replies: the transcript stores the customer's activity there.</summary>
    public async Task DeliverAsync(Func<IReadOnlyList<Activity>, Task> deliver)
    {
        var replies = _pending.ToArray();
        _pending.Clear();

        await Run(0);

        Task Run(int index) => index < _sendHandlers.Count
            ? _sendHandlers[index](this, replies, () => Run(index + 1))
            : replies.Length > 0 ? deliver(replies) : Task.CompletedTask;
    }
}
