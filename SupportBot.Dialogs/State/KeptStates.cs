namespace SupportBot.Dialogs.State;

/// <summary>The states this process's turns ended with, typed values and all, so the next turn of the same
/// conversation or customer need not parse them again. A turn takes its state out and puts it back only once it is
/// stored (or unchanged), so no two turns share one, and a turn that fails leaves nothing behind. Two generations of
/// at most <see cref="GenerationSize"/> each, so memory stays bounded and recently used states stay.</summary>
internal sealed class KeptStates
{
    public const int GenerationSize = 512;

    private readonly Lock _lock = new();
    private Dictionary<string, BotState.CachedState> _newer = new(StringComparer.Ordinal);
    private Dictionary<string, BotState.CachedState> _older = new(StringComparer.Ordinal);

    /// <summary>Takes the state kept for <paramref name="key"/> if it is the one stored under <paramref name="etag"/>
    /// (anything else is out of date, and is dropped).</summary>
    public bool TryTake(string key, string? etag, out BotState.CachedState state)
    {
        lock (_lock)
        {
            if (!_newer.Remove(key, out state!) && !_older.Remove(key, out state!))
            {
                return false;
            }
        }
        return etag is not null && state.ETag == etag;
    }

    /// <summary>Keeps a state whose values are exactly what is stored under its ETag.</summary>
    public void Put(BotState.CachedState state)
    {
        if (state.ETag is null)
        {
            return;
        }
        lock (_lock)
        {
            _older.Remove(state.Key);
            if (_newer.Count >= GenerationSize && !_newer.ContainsKey(state.Key))
            {
                _older = _newer;
                _newer = new Dictionary<string, BotState.CachedState>(StringComparer.Ordinal);
            }
            _newer[state.Key] = state;
        }
    }
}
