using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>Stores activities in and out of a conversation. Writes are keyed by activity id, so logging the same
/// activity twice (a turn re-run after a state conflict) stores it once. Secrets are redacted before storing.</summary>
public interface ITranscriptLogger
{
    Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken);
}

/// <summary>Stores the customer's activity and the bot's replies in one write when the replies are delivered (after
/// the turn's state is stored), so a turn costs one transcript write. A turn that fails still stores the customer's
/// activity before the failure goes on (the apology that follows is stored after it).</summary>
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
        // Stored as it arrived: the bot may change the activity while it runs (mentions stripped, card submits as text).
        var received = Redacted(incoming, copy: true);

        context.OnSendActivities(async (ctx, replies, sendNext) =>
        {
            foreach (var reply in replies)
            {
                if (reply.From is { } bot)
                {
                    bot.Role ??= RoleTypes.Bot;
                }
            }
            await logger.LogActivitiesAsync([received, .. replies.Select(r => Redacted(r, copy: false))], cancellationToken);
            await sendNext();
        });

        try
        {
            await next(cancellationToken);
        }
        catch (Exception)
        {
            try
            {
                await logger.LogActivitiesAsync([received], CancellationToken.None);
            }
            catch (State.StorageUnavailableException)
            {
                // A store that is down must not hide the failure that ended the turn.
            }
            throw;
        }
    }

    /// <summary>With secrets masked; the bot itself still works with what the customer typed. A copy when asked for
    /// or when something was masked.</summary>
    private static Activity Redacted(Activity activity, bool copy)
    {
        var text = activity.Text is { } t ? Recognition.Redactor.Redact(t) : null;
        if (!copy && text == activity.Text)
        {
            return activity;
        }
        var clone = BotJson.Clone(activity);
        clone.Text = text;
        return clone;
    }
}
