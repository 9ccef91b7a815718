using Microsoft.Data.Sqlite;
using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>The Direct Line conversations this server has started, so a reconnect or reload finds them again.</summary>
public sealed class DirectLineConversations(SqliteDatabase database)
{
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Records the conversation; answers true when it is new.</summary>
    public async Task<bool> StartAsync(string conversationId, string? userId, CancellationToken cancellationToken)
    {
        await database.WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = database.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO directline_conversation (id, user_id, created) VALUES ($id, $user, $created)";
            command.Parameters.AddWithValue("$id", conversationId);
            command.Parameters.AddWithValue("$user", (object?)userId ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O"));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            database.WriteLock.Release();
        }
    }

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM directline_conversation WHERE id = $id";
        command.Parameters.AddWithValue("$id", conversationId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
