using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>The Direct Line conversations in the embedded database.</summary>
public sealed class SqliteDirectLineConversations(SqliteDatabase database) : IDirectLineConversations
{
    public Task<bool> StartAsync(string conversationId, string? userId, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR IGNORE INTO directline_conversation (id, user_id, created) VALUES ($id, $user, $created)";
            command.Parameters.AddWithValue("$id", conversationId);
            command.Parameters.AddWithValue("$user", (object?)userId ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O"));
            return command.ExecuteNonQuery() == 1;
        });

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM directline_conversation WHERE id = $id";
        command.Parameters.AddWithValue("$id", conversationId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
