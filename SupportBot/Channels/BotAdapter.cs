using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Channels;

/// <summary>Runs a turn for any channel and handles what goes wrong in it: the customer always hears back.</summary>
public sealed class BotAdapter(TurnRunner runner, ITranscriptLogger transcript, ILogger<BotAdapter> logger)
{
    public const string ApologyText = "I'm sorry, something went wrong on my side and I couldn't finish that. Please send your message again in a moment.";

    /// <summary>Runs the turn, handing its replies to <paramref name="deliver"/>. Answers the invoke response, if any.</summary>
    public async Task<InvokeResponse?> ProcessAsync(Activity activity, Func<IReadOnlyList<Activity>, Task> deliver, CancellationToken cancellationToken)
    {
        try
        {
            var context = await runner.RunAsync(activity, deliver, cancellationToken);
            return context.Get<InvokeResponse>(InvokeResponse.TurnStateKey);
        }
        catch (Exception e) when (e is not OperationCanceledException && activity.Type == ActivityTypes.Message)
        {
            logger.LogError(e, "Turn failed for conversation {ConversationId}", activity.Conversation?.Id);
            var apology = activity.CreateReply(ApologyText);
            apology.Id = Guid.NewGuid().ToString("N");
            apology.From!.Role = RoleTypes.Bot;
            try
            {
                await transcript.LogActivitiesAsync([apology], CancellationToken.None);
            }
            catch (StorageUnavailableException logFailure)
            {
                logger.LogError(logFailure, "The apology could not be stored in the transcript");
            }
            await deliver([apology]);
            if (e is StorageUnavailableException)
            {
                throw; // the channel gets a 503 and may redeliver; the customer already has the apology
            }
            return null;
        }
    }
}
