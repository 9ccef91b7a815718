using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>Stores activities in and out of a conversation. Writes are keyed by activity id, so logging the same
/// activity twice (a turn re-run after a state conflict) stores it once. Secrets are redacted before storing.</summary>
public interface ITranscriptLogger
{
    Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken);
}

public sealed class TranscriptLoggerMiddleware(ITranscriptLogger logger) : IMiddleware
{
    public async Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        var incoming = context.Activity;
        incoming.Id ??= Guid.NewGuid().ToString("N");
        incoming.Timestamp ??= DateTimeOffset.UtcNow;
        if (incoming.From is { } from)
        {
            from.Role ??= RoleTypes.User;
        }
        await logger.LogActivitiesAsync([Redacted(incoming)], cancellationToken);

        context.OnSendActivities(async (ctx, replies, sendNext) =>
        {
            foreach (var reply in replies)
            {
                if (reply.From is { } bot)
                {
                    bot.Role ??= RoleTypes.Bot;
                }
            }
            await logger.LogActivitiesAsync(replies.Select(Redacted).ToList(), cancellationToken);
            await sendNext();
        });

        await next(cancellationToken);
    }

    /// <summary>A copy with secrets masked; the bot itself still works with what the customer typed.</summary>
    private static Activity Redacted(Activity activity)
    {
        if (activity.Text is not { } text || Recognition.Redactor.Redact(text) is var redacted && redacted == text)
        {
            return activity;
        }
        var copy = BotJson.Clone(activity);
        copy.Text = redacted;
        return copy;
    }
}
