using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage;

/// <summary>Bot state in the embedded SQLite file, one row per key, every write checked against its ETag.</summary>
public sealed class SqliteStorage(SqliteDatabase database) : IStorage
{
    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json, etag FROM state WHERE key = $key";
            var key = command.Parameters.Add("$key", SqliteType.Text);
            foreach (var k in keys)
            {
                key.Value = k;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    found[k] = new StoreItem(reader.GetString(0), reader.GetString(1));
                }
            }
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Reading state from {database.Path} failed: {e.Message}", e);
        }
        return found;
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (key, item) in changes)
            {
                var etag = Random.Shared.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = item.ETag switch
                {
                    null => "INSERT OR IGNORE INTO state (key, json, etag) VALUES ($key, $json, $etag)",
                    "*" => "INSERT INTO state (key, json, etag) VALUES ($key, $json, $etag) ON CONFLICT (key) DO UPDATE SET json = $json, etag = $etag",
                    _ => "UPDATE state SET json = $json, etag = $etag WHERE key = $key AND etag = $expected",
                };
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$json", item.Json);
                command.Parameters.AddWithValue("$etag", etag);
                command.Parameters.AddWithValue("$expected", item.ETag ?? "");
                if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    throw new StorageConflictException(key); // disposing the transaction rolls every change back
                }
                etags[key] = etag;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Writing state to {database.Path} failed: {e.Message}", e);
        }
        finally
        {
            database.WriteLock.Release();
        }
        return etags;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM state WHERE key = $key";
            var key = command.Parameters.Add("$key", SqliteType.Text);
            foreach (var k in keys)
            {
                key.Value = k;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            database.WriteLock.Release();
        }
    }
}
