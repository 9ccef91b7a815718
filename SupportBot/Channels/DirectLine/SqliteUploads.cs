using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>Attached files in the embedded database.</summary>
public sealed class SqliteUploads(SqliteDatabase database) : IUploads
{
    public async Task<string> SaveAsync(string conversationId, Upload upload, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO upload (id, conversation_id, name, content_type, content) VALUES ($id, $conversation, $name, $type, $content)";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$conversation", conversationId);
            command.Parameters.AddWithValue("$name", upload.Name);
            command.Parameters.AddWithValue("$type", upload.ContentType);
            command.Parameters.AddWithValue("$content", upload.Content);
            return command.ExecuteNonQuery();
        });
        return id;
    }

    public async Task<Upload?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, content_type, content FROM upload WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Upload(reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)) : null;
    }
}
