using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Storage;

/// <summary>A stored activity and the Direct Line watermark that continues after it.</summary>
public sealed record TranscriptEntry(string Watermark, Activity Activity);

/// <summary>One channel's conversation as stored, oldest first.</summary>
public sealed record StoredConversation(string ChannelId, string ConversationId, IReadOnlyList<Activity> Activities);

/// <summary>Where transcripts are stored and read back, whichever the provider (SQLite or Azure Blob). Each store issues
/// its own kind of watermark (a row number in SQLite, a blob name on Blob): readers treat it as opaque.</summary>
public interface ITranscriptStore : ITranscriptLogger, IStoredReplies
{
    /// <summary>False for a watermark this store could not have issued. The empty watermark is the start.</summary>
    bool IsWatermark(string watermark);

    /// <summary>The self-hosted Direct Line's read: at most <paramref name="limit"/> activities stored after
    /// <paramref name="watermark"/>, oldest first. Only the web chat channels: nothing another channel stores under the
    /// same id reaches a web chat customer.</summary>
    Task<IReadOnlyList<TranscriptEntry>> GetActivitiesAsync(string conversationId, string watermark, int limit, CancellationToken cancellationToken);

    /// <summary>One channel's whole conversation, oldest first: what an agent or a contact centre reads.</summary>
    Task<IReadOnlyList<TranscriptEntry>> GetConversationAsync(string channelId, string conversationId, CancellationToken cancellationToken);

    /// <summary>Every conversation whose first stored activity is at or after <paramref name="from"/> and before
    /// <paramref name="to"/>, whole: what the analytics report reads.</summary>
    Task<IReadOnlyList<StoredConversation>> ConversationsStartedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Read from the conversation as stored: a redelivery is rare, so nothing is indexed for it. By id, so
    /// neither an earlier attempt's apology nor a second copy of an activity is taken for a reply.</summary>
    async Task<IReadOnlyList<Activity>?> IStoredReplies.RepliesAsync(Activity activity, IReadOnlyList<string> replyIds, CancellationToken cancellationToken)
    {
        if (activity is not { ChannelId: { } channel, Conversation.Id: { } conversation })
        {
            return null;
        }
        var stored = new Dictionary<string, Activity>(StringComparer.Ordinal);
        foreach (var entry in await GetConversationAsync(channel, conversation, cancellationToken))
        {
            stored.TryAdd(entry.Activity.Id ?? "", entry.Activity);
        }
        var replies = new List<Activity>(replyIds.Count);
        foreach (var id in replyIds)
        {
            if (!stored.TryGetValue(id, out var reply))
            {
                return null;
            }
            replies.Add(reply);
        }
        return replies;
    }
}
