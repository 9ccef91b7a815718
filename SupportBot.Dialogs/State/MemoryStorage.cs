namespace SupportBot.Dialogs.State;

/// <summary>In-process storage for tests and benchmarks; same concurrency rules as the durable stores.</summary>
public sealed class MemoryStorage : IStorage
{
    private readonly Dictionary<string, StoreItem> _items = new(StringComparer.Ordinal);
    private long _version;

    public Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        lock (_items)
        {
            IReadOnlyDictionary<string, StoreItem> found = keys
                .Where(_items.ContainsKey)
                .Distinct()
                .ToDictionary(k => k, k => _items[k]);
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        lock (_items)
        {
            foreach (var (key, change) in changes)
            {
                var exists = _items.TryGetValue(key, out var current);
                var ok = change.ETag switch
                {
                    "*" => true,
                    null => !exists,
                    var etag => exists && current!.ETag == etag,
                };
                if (!ok)
                {
                    throw new StorageConflictException(key);
                }
            }

            var etags = new Dictionary<string, string>();
            foreach (var (key, change) in changes)
            {
                var etag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _items[key] = new StoreItem(change.Json, etag);
                etags[key] = etag;
            }
            return Task.FromResult<IReadOnlyDictionary<string, string>>(etags);
        }
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        lock (_items)
        {
            foreach (var key in keys)
            {
                _items.Remove(key);
            }
        }
        return Task.CompletedTask;
    }
}
