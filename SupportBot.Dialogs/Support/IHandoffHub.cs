using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Where handed-off conversations go: the built-in agent hub, or an external contact centre reached with the
/// Bot Framework handoff events. Every call is safe to repeat for the same turn (a turn re-run after a state conflict
/// repeats it), so nothing is queued or recorded twice.</summary>
public interface IHandoffHub
{
    /// <summary>Who could take the conversation now, and its place in the queue if it waits in one.</summary>
    Task<HubStatus> StatusAsync(ITurnContext context, CancellationToken cancellationToken);

    /// <summary>Asks for a person with the context package; answers the state the conversation is now in.</summary>
    Task<HubStatus> RequestAsync(ITurnContext context, HandoffRequest request, CancellationToken cancellationToken);

    /// <summary>Where the hub says the conversation stands, which wins over what the bot remembers (<paramref name="current"/>):
    /// the hub's own word on an accept, a return or an end may have been lost to a failure.</summary>
    Task<HandoffPhase?> PhaseAsync(ITurnContext context, HandoffPhase current, CancellationToken cancellationToken);

    /// <summary>The customer no longer waits (they went back to the bot or left a message).</summary>
    Task WithdrawAsync(ITurnContext context, CancellationToken cancellationToken);

    /// <summary>Records a message for a person to follow up within 24 hours; agents see it in their console.</summary>
    Task LeaveMessageAsync(ITurnContext context, FollowUpRequest followUp, CancellationToken cancellationToken);
}

/// <summary>The hub as the customer sees it: <see cref="External"/> hubs say nothing about their queue.</summary>
public sealed record HubStatus(int AgentsAvailable, int? Position, TimeSpan? EstimatedWait, bool External = false);

/// <summary>A message left for a person: how to reach the customer, what they added, and the handoff context. It is
/// due <see cref="LeaveMessageDialog.FollowUpWithin"/> after it was left.</summary>
public sealed record FollowUpRequest(string Contact, string? Note, HandoffRequest Request);

/// <summary>The <c>handoff.status</c> event: sent by an external hub through the channel, and by the built-in hub
/// when an agent accepts, ends or passes on a conversation. <c>queued</c> is the built-in hub's own addition.</summary>
public static class HandoffStates
{
    public const string EventName = "handoff.status";
    public const string InitiateEventName = "handoff.initiate";
    public const string Accepted = "accepted";
    public const string Failed = "failed";
    public const string Completed = "completed";
    public const string Queued = "queued";
}
