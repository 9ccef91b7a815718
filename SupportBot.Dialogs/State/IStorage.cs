namespace SupportBot.Dialogs.State;

/// <summary>A stored JSON document with the ETag it was read at (null when it does not exist yet).</summary>
public sealed record StoreItem(string Json, string? ETag);

/// <summary>Key/value storage with optimistic concurrency, the shape of Bot Builder's IStorage made strict:
/// every write carries the ETag it read and fails with <see cref="StorageConflictException"/> when the
/// stored item has moved on.</summary>
public interface IStorage
{
    /// <summary>Reads the keys that exist; missing keys are absent from the answer.</summary>
    Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes every change or none. An item's ETag must match the stored one; a null ETag means
    /// "create, it must not exist"; <c>*</c> overwrites whatever is there. Answers the new ETags.</summary>
    Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}

/// <summary>A write found the stored item changed since it was read: re-read and re-run, never overwrite.</summary>
public sealed class StorageConflictException(string key)
    : Exception($"State '{key}' was changed by another turn since it was read.")
{
    public string Key { get; } = key;
}

/// <summary>The storage itself failed (unreachable, full, corrupt): the turn cannot complete.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
