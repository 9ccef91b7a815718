using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;

namespace SupportBot.Dialogs.Turns;

/// <summary>A transcript store that can also commit a turn's state changes in the same transaction as the turn's
/// activities: the turn's state and transcript are stored together or not at all, with one commit.</summary>
public interface ITurnStore : ITranscriptLogger
{
    /// <summary>Whether state kept in <paramref name="storage"/> can be committed here.</summary>
    bool CanCommit(IStorage storage);

    /// <summary>Writes the state changes, each checked against its ETag as <see cref="IStorage.WriteAsync"/> does, and the
    /// activities in one transaction; a conflict throws <see cref="StorageConflictException"/> and stores nothing.
    /// Answers the new ETags.</summary>
    Task<IReadOnlyDictionary<string, string>> CommitTurnAsync(IStorage storage, IReadOnlyDictionary<string, StoreItem> changes,
        IReadOnlyList<Activity> activities, CancellationToken cancellationToken);
}
