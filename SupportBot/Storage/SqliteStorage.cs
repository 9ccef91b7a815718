using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage;

/// <summary>Bot state in the embedded SQLite file, one row per key, every write checked against its ETag.</summary>
public sealed class SqliteStorage(SqliteDatabase database) : IStorage
{
    private const int TurnKeys = 4; // a turn reads its conversation's state and its customer's
    private const int KeysPerQuery = 500; // SQLite caps the parameters of one statement

    public Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count > TurnKeys)
        {
            // A bulk read (analytics): straight from the file, remembering none of it, so turns keep their rows.
            return ReadInBulk(keys);
        }
        var recent = database.RecentState;
        var found = new Dictionary<string, StoreItem>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!recent.TryGet(key, out var item))
            {
                return ReadFromFile(keys);
            }
            found[key] = item;
        }
        return Task.FromResult<IReadOnlyDictionary<string, StoreItem>>(found);
    }

    private Task<IReadOnlyDictionary<string, StoreItem>> ReadFromFile(IReadOnlyCollection<string> keys)
    {
        try
        {
            return Task.FromResult(database.Read<IReadOnlyDictionary<string, StoreItem>>(reader =>
            {
                var changesBefore = database.RecentState.Changes;
                // One query for all the keys of a turn (its conversation and its user).
                var command = reader.Command($"SELECT key, json, etag FROM state WHERE key IN ({string.Join(", ", keys.Select((_, i) => $"$k{i}"))})");
                var i = 0;
                foreach (var key in keys)
                {
                    command.Bind($"$k{i++}", key);
                }
                var found = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    var item = new StoreItem(rows.GetString(1), rows.GetString(2));
                    found[rows.GetString(0)] = item;
                    database.RecentState.Read(rows.GetString(0), item, changesBefore);
                }
                return found;
            }));
        }
        catch (SqliteException e)
        {
            return Task.FromException<IReadOnlyDictionary<string, StoreItem>>(
                new StorageUnavailableException($"Reading state from {database.Path} failed: {e.Message}", e));
        }
    }

    private Task<IReadOnlyDictionary<string, StoreItem>> ReadInBulk(IReadOnlyCollection<string> keys)
    {
        try
        {
            using var connection = database.OpenRead();
            using var transaction = connection.BeginTransaction(deferred: true); // one snapshot for all the queries
            var found = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
            foreach (var chunk in keys.Chunk(KeysPerQuery))
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"SELECT key, json, etag FROM state WHERE key IN ({string.Join(", ", chunk.Select((_, i) => $"$k{i}"))})";
                for (var i = 0; i < chunk.Length; i++)
                {
                    command.Bind($"$k{i}", chunk[i]);
                }
                using var rows = command.ExecuteReader();
                while (rows.Read())
                {
                    found[rows.GetString(0)] = new StoreItem(rows.GetString(1), rows.GetString(2));
                }
            }
            return Task.FromResult<IReadOnlyDictionary<string, StoreItem>>(found);
        }
        catch (SqliteException e)
        {
            return Task.FromException<IReadOnlyDictionary<string, StoreItem>>(
                new StorageUnavailableException($"Reading state from {database.Path} failed: {e.Message}", e));
        }
    }

    public Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken) =>
        database.WriteAsync((_, transaction) => Write(transaction, changes));

    /// <summary>Whether this store keeps its state in <paramref name="other"/> (so a write there can include it).</summary>
    internal bool IsIn(SqliteDatabase other) => ReferenceEquals(database, other);

    /// <summary>The ETag-checked writes, inside a write of the database; a conflict throws and the writer undoes it.</summary>
    internal IReadOnlyDictionary<string, string> Write(SqliteTransaction transaction, IReadOnlyDictionary<string, StoreItem> changes)
    {
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, item) in changes)
        {
            var etag = Random.Shared.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
            var command = database.Command(transaction, item.ETag switch
            {
                null => "INSERT OR IGNORE INTO state (key, json, etag) VALUES ($key, $json, $etag)",
                "*" => "INSERT INTO state (key, json, etag) VALUES ($key, $json, $etag) ON CONFLICT (key) DO UPDATE SET json = $json, etag = $etag",
                _ => "UPDATE state SET json = $json, etag = $etag WHERE key = $key AND etag = $expected",
            });
            command.Bind("$key", key).Bind("$json", item.Json).Bind("$etag", etag);
            if (item.ETag is { } expected and not "*")
            {
                command.Bind("$expected", expected);
            }
            if (command.ExecuteNonQuery() != 1)
            {
                database.RecentState.Forget(key); // what this process knew is out of date: the re-run reads the file
                throw new StorageConflictException(key);
            }
            etags[key] = etag;
            var committed = new StoreItem(item.Json, etag);
            database.AfterCommit(() => database.RecentState.Committed(key, committed));
        }
        return etags;
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            var command = database.Command(transaction, "DELETE FROM state WHERE key = $key");
            foreach (var key in keys)
            {
                command.Bind("$key", key).ExecuteNonQuery();
                database.AfterCommit(() => database.RecentState.Forget(key));
            }
            return true;
        });
}
