using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>Runs when the turn's replies are delivered; call <c>next</c> to pass them on.</summary>
public delegate Task SendActivitiesHandler(ITurnContext context, IReadOnlyList<Activity> activities, Func<Task> next);

/// <summary>One turn of a conversation: the incoming activity and the replies the bot sends to it.</summary>
public interface ITurnContext
{
    Activity Activity { get; }

    /// <summary>Values shared by the middleware and the bot for this turn only.</summary>
    IDictionary<string, object> TurnState { get; }

    /// <summary>Queues a reply. Replies are delivered once the turn has stored its state, so a turn re-run after a
    /// state conflict never leaves a reply behind.</summary>
    Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    /// <summary>Adds a handler that sees the replies when they are delivered.</summary>
    ITurnContext OnSendActivities(SendActivitiesHandler handler);
}

public static class TurnContextExtensions
{
    public static Task<ResourceResponse> SendActivityAsync(this ITurnContext context, string text, CancellationToken cancellationToken = default) =>
        context.SendActivityAsync(context.Activity.CreateReply(text), cancellationToken);

    public static T? Get<T>(this ITurnContext context, string key) where T : class =>
        context.TurnState.TryGetValue(key, out var value) ? value as T : null;
}
