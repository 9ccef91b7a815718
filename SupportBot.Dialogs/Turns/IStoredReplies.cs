using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>The replies the bot stored when it answered an activity (the transcript keeps them): a channel that sends
/// an answered activity again and waits for the replies in the response gets them without the turn running twice.</summary>
public interface IStoredReplies
{
    /// <summary>The activities stored in <paramref name="activity"/>'s conversation with the ids
    /// <paramref name="replyIds"/>, in that order; null if any of them is not stored.</summary>
    Task<IReadOnlyList<Activity>?> RepliesAsync(Activity activity, IReadOnlyList<string> replyIds, CancellationToken cancellationToken);
}
