using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;

namespace SupportBot.Agents;

/// <summary>The built-in hub's shared record of who waits for a person and who has them: handoffs, follow-ups and
/// agent notes. At most one active (queued or assigned) handoff per conversation; of two agents accepting the same
/// handoff at once exactly one wins. <see cref="SqliteHandoffQueue"/> keeps it in the embedded file (one instance),
/// <see cref="BlobHandoffQueue"/> in Blob Storage (every instance sees the same queue). A storage failure surfaces as
/// StorageUnavailableException.</summary>
public interface IHandoffQueue
{
    /// <summary>Queues the request unless the conversation already has an active handoff; answers the active one.</summary>
    Task<Handoff> EnqueueAsync(string id, HandoffRequest request, ConversationReference reference, DateTimeOffset now);

    Task<Handoff?> ActiveAsync(string conversationKey);

    Task<Handoff?> GetAsync(string id);

    /// <summary>Waiting conversations, longest wait first: that is the order they are taken in.</summary>
    Task<List<Handoff>> QueuedAsync();

    /// <summary>Conversations an agent has, the longest held first.</summary>
    Task<List<Handoff>> AssignedAsync();

    /// <summary>How long the last accepted conversations waited for a person, newest first; the estimates come from it.</summary>
    Task<List<TimeSpan>> RecentWaitsAsync(int count);

    /// <summary>True for the one agent whose accept took the queued conversation.</summary>
    Task<bool> AcceptAsync(string id, string agent, string agentName, string? teamsThread, DateTimeOffset now);

    /// <summary>The owner passes the conversation back: it keeps its place (the time it first asked).</summary>
    Task<bool> ReturnAsync(string id, string agent, DateTimeOffset now);

    Task<bool> EndAsync(string id, string agent, DateTimeOffset now);

    /// <summary>The customer stopped waiting (back to the bot, or left a message).</summary>
    Task<bool> WithdrawAsync(string conversationKey, DateTimeOffset now);

    Task MarkAnnouncedAsync(string id, DateTimeOffset now);

    Task SetToldPositionAsync(string id, int position);

    /// <summary>The handoff last accepted in that Teams thread, whatever has become of it since.</summary>
    Task<Handoff?> ByTeamsThreadAsync(string thread);

    Task AddNoteAsync(string handoffId, string agent, string text, DateTimeOffset now);

    /// <summary>Oldest first.</summary>
    Task<List<AgentNote>> NotesAsync(string handoffId);

    /// <summary>Stores the follow-up once, however often the turn that left it runs.</summary>
    Task AddFollowUpAsync(FollowUp followUp);

    /// <summary>Open follow-ups, the most urgent first.</summary>
    Task<List<FollowUp>> OpenFollowUpsAsync();

    Task<bool> CloseFollowUpAsync(string id, string agent, DateTimeOffset now);

    /// <summary>Every handoff and follow-up of these conversations, whatever became of them: what the analytics report
    /// reads (it waits for nothing, so a whole read of the history is fine).</summary>
    Task<(List<Handoff> Handoffs, List<FollowUp> FollowUps)> HistoryAsync(IReadOnlySet<string> conversationKeys);
}
