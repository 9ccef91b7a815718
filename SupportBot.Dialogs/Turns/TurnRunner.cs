using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;

namespace SupportBot.Dialogs.Turns;

/// <summary>Runs one turn through the middleware and the bot and delivers its replies only after the turn
/// completed (state stored). A state conflict re-runs the turn on fresh state, a bounded number of times.</summary>
public sealed class TurnRunner(MiddlewarePipeline pipeline, IBot bot)
{
    public const int MaxAttempts = 10;

    /// <summary>Runs the turn; <paramref name="deliver"/> receives the replies once. Answers the final context.</summary>
    public async Task<TurnContext> RunAsync(Activity activity, Func<IReadOnlyList<Activity>, Task> deliver, CancellationToken cancellationToken)
    {
        // A stable id lets every attempt log the same incoming activity once.
        activity.Id ??= Activity.NewId();
        for (var attempt = 1; ; attempt++)
        {
            // What the pipeline changes on the incoming activity (id, timestamp, roles) is the same on every attempt.
            var context = new TurnContext(activity);
            try
            {
                await pipeline.RunAsync(context, bot, cancellationToken);
                // State may be committed only here, with the transcript, just before the replies go out: a conflict
                // found then is re-run like one found during the turn (no reply has been delivered yet).
                await context.DeliverAsync(deliver);
            }
            catch (StorageConflictException) when (attempt < MaxAttempts)
            {
                // Random and growing, so racers spread out: on Blob a winner holds its keys for several round trips.
                await Task.Delay(Random.Shared.Next(1, 5 << Math.Min(attempt, 6)), cancellationToken);
                continue;
            }
            return context;
        }
    }
}
