using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>Files customers attach in web chat, kept in the embedded database and served from unguessable URLs.</summary>
public sealed class Uploads(SqliteDatabase database)
{
    public async Task<string> SaveAsync(string conversationId, IFormFile file, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        using var content = new MemoryStream();
        await file.CopyToAsync(content, cancellationToken);
        var bytes = content.ToArray();
        await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO upload (id, conversation_id, name, content_type, content) VALUES ($id, $conversation, $name, $type, $content)";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$conversation", conversationId);
            command.Parameters.AddWithValue("$name", Path.GetFileName(file.FileName));
            command.Parameters.AddWithValue("$type", string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType);
            command.Parameters.AddWithValue("$content", bytes);
            return command.ExecuteNonQuery();
        });
        return id;
    }

    public static async Task<IResult> ServeAsync(string id, Uploads uploads, HttpResponse response, CancellationToken cancellationToken)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        await using var connection = uploads.Database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, content_type, content FROM upload WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ApiErrors.NotFound("No such attachment.");
        }
        var type = reader.GetString(1);
        // Only images are shown inline; anything else downloads, so an uploaded page never runs on our origin.
        var inline = type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && !type.Contains("svg", StringComparison.OrdinalIgnoreCase);
        return Results.File((byte[])reader.GetValue(2), inline ? type : "application/octet-stream", inline ? null : reader.GetString(0));
    }

    private SqliteDatabase Database => database;
}
