using SupportBot.Dialogs.State;

namespace SupportBot.Storage;

/// <summary>The state rows this process committed or read most recently, so a conversation's next turn need not read
/// its state back from the file. Two generations of at most <see cref="GenerationSize"/> rows each: when the newer
/// fills up, the older is dropped, so memory stays bounded and recently used rows stay. A stale row can only cost a
/// conflict (every write is still checked against the file's ETag), and a conflict forgets the row.</summary>
/// <remarks>It assumes this process is the file's only writer (one <see cref="SqliteDatabase"/> per file, as the
/// embedded deployment runs): a turn that only reads would not notice a row another process changed.</remarks>
internal sealed class RecentState
{
    public const int GenerationSize = 2048;

    private readonly Lock _lock = new();
    private Dictionary<string, StoreItem> _newer = new(StringComparer.Ordinal);
    private Dictionary<string, StoreItem> _older = new(StringComparer.Ordinal);
    private long _changes; // commits and forgettings so far: a read that overlapped one may hold what they replaced

    /// <summary>Taken before reading the file, and given back to <see cref="Read"/> with what was found.</summary>
    public long Changes
    {
        get
        {
            lock (_lock)
            {
                return _changes;
            }
        }
    }

    public bool TryGet(string key, out StoreItem item)
    {
        lock (_lock)
        {
            if (_newer.TryGetValue(key, out item!))
            {
                return true;
            }
            if (_older.Remove(key, out item!))
            {
                Add(key, item);
                return true;
            }
            return false;
        }
    }

    /// <summary>What was just committed: replaces whatever was known.</summary>
    public void Committed(string key, StoreItem item)
    {
        lock (_lock)
        {
            _changes++;
            _older.Remove(key);
            Add(key, item);
        }
    }

    /// <summary>What a read that began at <paramref name="changesBefore"/> found: kept only if nothing was committed
    /// or forgotten since (the read may have seen the file before a commit, or a row forgotten meanwhile).</summary>
    public void Read(string key, StoreItem item, long changesBefore)
    {
        lock (_lock)
        {
            if (_changes == changesBefore && !_newer.ContainsKey(key) && !_older.ContainsKey(key))
            {
                Add(key, item);
            }
        }
    }

    public void Forget(string key)
    {
        lock (_lock)
        {
            _changes++;
            _newer.Remove(key);
            _older.Remove(key);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _changes++;
            _newer.Clear();
            _older.Clear();
        }
    }

    private void Add(string key, StoreItem item)
    {
        if (_newer.Count >= GenerationSize && !_newer.ContainsKey(key))
        {
            _older = _newer;
            _newer = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
        }
        _newer[key] = item;
    }
}
