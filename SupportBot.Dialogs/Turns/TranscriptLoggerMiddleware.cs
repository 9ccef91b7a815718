using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;

namespace SupportBot.Dialogs.Turns;

/// <summary>Stores activities in and out of a conversation. Writes are keyed by activity id, so logging the same
/// activity twice (a turn re-run after a state conflict) stores it once. Secrets are redacted before storing.</summary>
public interface ITranscriptLogger
{
    Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken);
}

/// <summary>Stores the customer's activity and the bot's replies in one write when the replies are delivered, so a turn
/// costs one transcript write; with an <see cref="ITurnStore"/> that write also commits the turn's state, held back
/// until then (one commit per turn). A turn that fails still stores the customer's activity before the failure goes
/// on (the apology that follows is stored after it).</summary>
public sealed class TranscriptLoggerMiddleware(ITranscriptLogger logger) : IMiddleware
{
    public async Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        var incoming = context.Activity;
        incoming.Id ??= Activity.NewId();
        incoming.Timestamp ??= DateTimeOffset.UtcNow;
        if (incoming.From is { } from)
        {
            from.Role ??= RoleTypes.User;
        }
        // Stored as it arrived: the bot may change the activity's text while it runs (mentions stripped, card submits as
        // text), not what its fields point to (only a reply without a sender shares the bot's account and marks its role).
        var received = Redacted(incoming, copy: true);
        var turnStore = logger as ITurnStore;
        var state = turnStore is null ? null : new DeferredStateWrite(turnStore.CanCommit);
        if (state is not null)
        {
            context.TurnState[DeferredStateWrite.TurnStateKey] = state;
        }

        context.OnSendActivities(async (ctx, replies, sendNext) =>
        {
            foreach (var reply in replies)
            {
                if (reply.From is { } bot)
                {
                    bot.Role ??= RoleTypes.Bot;
                }
            }
            List<Activity> activities = [received, .. replies.Select(r => Redacted(r, copy: false))];
            // Stamped as they are stored, in order: a store that orders by time (Blob) then never files this turn's
            // activities before something stored while the turn ran (an agent's message), which a reader has passed.
            var storedAt = DateTimeOffset.UtcNow;
            for (var i = 0; i < activities.Count; i++)
            {
                activities[i].Timestamp = storedAt.AddTicks(i);
            }
            try
            {
                if (state?.Storage is { } storage)
                {
                    state.Stored(await turnStore!.CommitTurnAsync(storage, state.Changes, activities, cancellationToken));
                }
                else
                {
                    await logger.LogActivitiesAsync(activities, cancellationToken);
                }
            }
            catch (Exception)
            {
                await LogReceivedAsync(received);
                throw;
            }
            await sendNext();
        });

        try
        {
            await next(cancellationToken);
        }
        catch (Exception)
        {
            await LogReceivedAsync(received);
            throw;
        }
    }

    /// <summary>The customer's activity of a turn that failed (a re-run after a state conflict stores it once).</summary>
    private async Task LogReceivedAsync(Activity received)
    {
        try
        {
            await logger.LogActivitiesAsync([received], CancellationToken.None);
        }
        catch (StorageUnavailableException)
        {
            // A store that is down must not hide the failure that ended the turn.
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
        var clone = activity.ShallowCopy();
        clone.Text = text;
        return clone;
    }
}
