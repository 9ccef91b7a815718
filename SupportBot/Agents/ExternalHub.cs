using System.Text.Json;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;
using SupportBot.Storage;

namespace SupportBot.Agents;

/// <summary><c>Handoff:Mode = External</c>: a contact centre (such as Dynamics 365 Omnichannel) takes handed-off
/// conversations. The bot sends it the <c>handoff.initiate</c> event with the context package and the transcript, and
/// learns the outcome from its <c>handoff.status</c> events. Follow-up messages still go to the built-in console.</summary>
public sealed class ExternalHub(IHandoffQueue queue, ITranscriptStore transcripts, HubNotifications notifications, TimeProvider clock) : IHandoffHub
{
    /// <summary>Enough for any support conversation; the contact centre gets the latest ones if there are more.</summary>
    private const int MaxTranscript = 1000;

    public Task<HubStatus> StatusAsync(ITurnContext context, CancellationToken cancellationToken) => Task.FromResult(new HubStatus(0, null, null, External: true));

    public async Task<HubStatus> RequestAsync(ITurnContext context, HandoffRequest request, CancellationToken cancellationToken)
    {
        var incoming = context.Activity;
        var stored = await transcripts.GetConversationAsync(incoming.ChannelId!, incoming.Conversation!.Id!, cancellationToken);
        var activities = stored.Select(e => e.Activity).ToList();
        if (activities.All(a => a.Id != incoming.Id))
        {
            // This turn's own message is stored with its replies, after this: the contact centre gets it now, redacted.
            var asked = BotJson.Clone(incoming);
            asked.Text = asked.Text is { } text ? Redactor.Redact(text) : null;
            activities.Add(asked);
        }
        activities = activities.Where(a => a.Type == ActivityTypes.Message).TakeLast(MaxTranscript).ToList();
        var initiate = new Activity
        {
            Type = ActivityTypes.Event,
            Name = HandoffStates.InitiateEventName,
            From = incoming.From, // the handoff protocol names the customer as the sender
            Value = JsonSerializer.SerializeToElement(request, BotJson.Options),
            Attachments =
            [
                new Attachment
                {
                    ContentType = "application/json",
                    Name = "Transcript",
                    Content = JsonSerializer.SerializeToElement(new { activities }, BotJson.Options),
                },
            ],
            RelatesTo = ConversationKeys.ReferenceOf(incoming),
        };
        // A reply of the turn: it leaves only once the turn's state (handed off) is stored.
        await context.SendActivityAsync(initiate, cancellationToken);
        return new HubStatus(0, null, null, External: true);
    }

    /// <summary>Only the contact centre's handoff.status events say; until then the bot keeps what it knows.</summary>
    public Task<HandoffPhase?> PhaseAsync(ITurnContext context, HandoffPhase current, CancellationToken cancellationToken) => Task.FromResult<HandoffPhase?>(current);

    public Task WithdrawAsync(ITurnContext context, CancellationToken cancellationToken) => Task.CompletedTask; // the contact centre owns its queue

    public async Task LeaveMessageAsync(ITurnContext context, FollowUpRequest followUp, CancellationToken cancellationToken)
    {
        await queue.AddFollowUpAsync(AgentHub.FollowUpOf(context, followUp, clock));
        notifications.Raise();
    }
}
