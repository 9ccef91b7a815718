using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Agents;

/// <summary>The built-in hub (the default): customers wait in the persisted queue for agents signed in to the console.</summary>
public sealed class AgentHub(IHandoffQueue queue, AgentPresence presence, HubNotifications notifications, TimeProvider clock,
    TeamsAgentChannelOptions? teams = null) : IHandoffHub
{
    /// <summary>Until there is history, a conversation is assumed to wait this long for a free person.</summary>
    private static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(2);

    public async Task<HubStatus> StatusAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var key = Key(context);
        var queued = await queue.QueuedAsync();
        var index = queued.FindIndex(h => h.ConversationKey == key);
        return StatusAt(index < 0 ? null : index + 1, await WaitPerPlaceAsync());
    }

    public async Task<HubStatus> RequestAsync(ITurnContext context, HandoffRequest request, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        // The id comes from the turn's activity: a re-run of the same turn finds its handoff instead of adding one.
        var handoff = await queue.EnqueueAsync(ConversationKeys.IdFor(Key(context), activity.Id), request, ConversationKeys.ReferenceOf(activity), clock.GetUtcNow());
        notifications.Raise();
        return handoff.Status == HandoffStatus.Queued ? await StatusAsync(context, cancellationToken) : StatusAt(null, TimeSpan.Zero);
    }

    public async Task<HandoffPhase?> PhaseAsync(ITurnContext context, HandoffPhase current, CancellationToken cancellationToken) =>
        (await queue.ActiveAsync(Key(context)))?.Status switch
        {
            HandoffStatus.Queued => HandoffPhase.Waiting,
            HandoffStatus.Assigned => HandoffPhase.WithAgent,
            _ => null,
        };

    public async Task WithdrawAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        if (await queue.WithdrawAsync(Key(context), clock.GetUtcNow()))
        {
            notifications.Raise();
        }
    }

    public async Task LeaveMessageAsync(ITurnContext context, FollowUpRequest followUp, CancellationToken cancellationToken)
    {
        await queue.AddFollowUpAsync(FollowUpOf(context, followUp, clock));
        notifications.Raise();
    }

    /// <summary>How long each place in the queue adds to a wait: the median wait of recent conversations (at least 30 s).</summary>
    public async Task<TimeSpan> WaitPerPlaceAsync()
    {
        var waits = await queue.RecentWaitsAsync(20);
        var median = waits.Count == 0 ? DefaultWait : waits.Order().ElementAt(waits.Count / 2);
        return median < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : median;
    }

    /// <summary>The estimate for a place in the queue: a wait per place ahead, shared between the agents available now.</summary>
    public HubStatus StatusAt(int? position, TimeSpan perPlace)
    {
        // Nobody knows who is on duty in a Teams channel: in business hours it counts as one agent.
        var available = presence.AvailableCount + (teams?.Enabled == true ? 1 : 0);
        return new HubStatus(available, position, position is null ? null : perPlace * position.Value / Math.Max(1, available));
    }

    internal static FollowUp FollowUpOf(ITurnContext context, FollowUpRequest followUp, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return new(ConversationKeys.IdFor(Key(context), context.Activity.Id), Key(context), now, now + LeaveMessageDialog.FollowUpWithin,
            followUp.Contact, followUp.Note, followUp.Request, null, null);
    }

    private static string Key(ITurnContext context) => ConversationKeys.Of(context.Activity.ChannelId, context.Activity.Conversation?.Id);
}
