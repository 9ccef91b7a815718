using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Playbooks;

namespace SupportBot.Channels;

/// <summary>Runs a turn for any channel and handles what goes wrong in it: the customer always hears back.</summary>
public sealed class BotAdapter(TurnRunner runner, ITranscriptLogger transcript, PlaybookHost playbooks, ConversationGate gate, ILogger<BotAdapter> logger)
{
    public const string ApologyText = "I'm sorry, something went wrong on my side just now. You can send your message again, start over, or ask for a person.";
    public const string StartOver = "Start over";

    /// <summary>Runs the turn, handing its replies to <paramref name="deliver"/>. Answers the invoke response, if any.
    /// One turn at a time per conversation, in arrival order: a double-sent message waits for the one before it.
    /// Once accepted, a turn runs to its end even if the caller stops waiting, so nothing is half done or dropped.</summary>
    public Task<InvokeResponse?> ProcessAsync(Activity activity, Func<IReadOnlyList<Activity>, Task> deliver) =>
        gate.RunAsync($"{activity.ChannelId}/{activity.Conversation?.Id}", () => RunTurnAsync(activity, deliver), CancellationToken.None);

    private async Task<InvokeResponse?> RunTurnAsync(Activity activity, Func<IReadOnlyList<Activity>, Task> deliver)
    {
        try
        {
            var context = await runner.RunAsync(activity, deliver, CancellationToken.None);
            return context.Get<InvokeResponse>(InvokeResponse.TurnStateKey);
        }
        // Replies the channel would not take are recorded as undelivered; an apology would not reach it either.
        catch (Exception e) when (e is not OperationCanceledException and not Connector.ReplyDeliveryException && activity.Type == ActivityTypes.Message)
        {
            logger.LogError(e, "Turn failed for conversation {ConversationId}", activity.Conversation?.Id);
            // Even a failure offers choices; both are understood at any step.
            var apology = ChoiceFactory.ForChannel(activity, activity.CreateReply(ApologyText),
                [new Choice(playbooks.Current.Playbook.Choices.TalkToPerson), new Choice(StartOver)]);
            apology.Id = Activity.NewId();
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
