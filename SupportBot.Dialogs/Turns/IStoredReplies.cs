using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>The replies the bot stored when it answered an activity (the transcript keeps them): a channel that sends
/// an answered activity again and waits for the replies in the response gets them without the turn running twice.</summary>
public interface IStoredReplies
{
    /// <summary>The bot's stored replies to <paramref name="activity"/>, in the order sent; none if they were not stored.</summary>
    Task<IReadOnlyList<Activity>> RepliesToAsync(Activity activity, CancellationToken cancellationToken);
}
