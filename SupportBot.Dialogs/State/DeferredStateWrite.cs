namespace SupportBot.Dialogs.State;

/// <summary>A turn's state changes held back to be committed in one transaction with the turn's transcript, when its
/// replies are delivered: one commit per turn instead of two. Whoever commits them puts it in the turn state (see
/// <see cref="Turns.TranscriptLoggerMiddleware"/>); <see cref="BotStateSet"/> adds to it instead of writing.</summary>
public sealed class DeferredStateWrite(Func<IStorage, bool> accepts)
{
    public const string TurnStateKey = "SupportBot.DeferredStateWrite";

    private readonly Dictionary<string, StoreItem> _changes = new(StringComparer.Ordinal);
    private readonly List<Action<IReadOnlyDictionary<string, string>>> _onStored = [];

    /// <summary>The storage the changes belong to; null while there are none.</summary>
    public IStorage? Storage { get; private set; }

    public IReadOnlyDictionary<string, StoreItem> Changes => _changes;

    /// <summary>Holds the changes back, or answers false when they must be written now (a storage it cannot commit).</summary>
    internal bool TryAdd(IStorage storage, IReadOnlyDictionary<string, StoreItem> changes, Action<IReadOnlyDictionary<string, string>> onStored)
    {
        if (Storage is null ? !accepts(storage) : !ReferenceEquals(Storage, storage))
        {
            return false;
        }
        Storage = storage;
        foreach (var (key, item) in changes)
        {
            _changes[key] = item; // a later save of the same key in the turn carries the newer document
        }
        _onStored.Add(onStored);
        return true;
    }

    /// <summary>Tells the states their new ETags once the changes are committed.</summary>
    public void Stored(IReadOnlyDictionary<string, string> etags) => _onStored.ForEach(s => s(etags));
}
