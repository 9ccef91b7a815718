using SupportBot.Playbooks;
using SupportBot.Staff;

namespace SupportBot.Agents;

/// <summary>What one agent's console shows: their presence, the queue with each request's context and wait, the
/// conversations they own, open follow-ups and the playbook's canned replies.</summary>
public sealed class ConsoleSnapshot(IHandoffQueue queue, AgentPresence presence, AgentHub hub, PlaybookHost playbooks, TimeProvider clock)
{
    public async Task<object> ForAsync(StaffAccount agent)
    {
        var queued = await queue.QueuedAsync();
        var perPlace = await hub.WaitPerPlaceAsync();
        return new
        {
            me = new { name = agent.Name, displayName = agent.Shown, status = presence.StatusOf(agent.Name) },
            agentsAvailable = presence.AvailableCount,
            now = clock.GetUtcNow(),
            queue = queued.Select((h, i) => new { position = i + 1, estimatedWaitSeconds = hub.StatusAt(i + 1, perPlace).EstimatedWait?.TotalSeconds, handoff = View(h) }),
            mine = (await queue.AssignedAsync()).Where(h => h.Agent == agent.Name).Select(View),
            followUps = await queue.OpenFollowUpsAsync(),
            cannedReplies = playbooks.Current.Playbook.CannedReplies,
        };
    }

    /// <summary>A handoff as the console reads it; the conversation reference (where to send) stays on the server.</summary>
    public static object View(Handoff handoff) => new
    {
        id = handoff.Id,
        status = handoff.Status,
        agent = handoff.Agent,
        requestedAt = handoff.RequestedAt,
        acceptedAt = handoff.AcceptedAt,
        channel = handoff.Reference.ChannelId,
        request = handoff.Request,
    };
}
