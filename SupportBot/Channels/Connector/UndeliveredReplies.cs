using SupportBot.Dialogs.Schema;
using SupportBot.Storage;

namespace SupportBot.Channels.Connector;

/// <summary>Replies the Bot Connector never took, kept in the embedded database's <c>undelivered</c> table for an
/// operator to inspect (the activity as JSON, secrets redacted, the attempts made and the last error).</summary>
public sealed class UndeliveredReplies(SqliteDatabase database, ILogger<UndeliveredReplies> logger)
{
    public sealed record Entry(Activity Activity, int Attempts, string LastError);

    public async Task RecordAsync(IReadOnlyList<Entry> entries)
    {
        var rows = entries.Select(e =>
        {
            var copy = BotJson.Clone(e.Activity);
            if (copy.Text is { } text)
            {
                copy.Text = Dialogs.Recognition.Redactor.Redact(text);
            }
            return (Entry: e, Json: BotJson.Serialize(copy));
        }).ToList();
        try
        {
            await database.WriteAsync((connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO undelivered (activity_id, conversation_id, service_url, json, attempts, last_error, failed_at)
                    VALUES ($id, $conversation, $serviceUrl, $json, $attempts, $error, $at)
                    """;
                foreach (var (entry, json) in rows)
                {
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$id", entry.Activity.Id ?? "");
                    command.Parameters.AddWithValue("$conversation", entry.Activity.Conversation?.Id ?? "");
                    command.Parameters.AddWithValue("$serviceUrl", entry.Activity.ServiceUrl ?? "");
                    command.Parameters.AddWithValue("$json", json);
                    command.Parameters.AddWithValue("$attempts", entry.Attempts);
                    command.Parameters.AddWithValue("$error", entry.LastError);
                    command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
                    command.ExecuteNonQuery();
                }
                return rows.Count;
            });
        }
        catch (Exception e)
        {
            // The log line is then the only record; it must not hide the delivery failure itself.
            logger.LogError(e, "{Count} undelivered repl(ies) could not be recorded: {Activities}", rows.Count, string.Join("\n", rows.Select(r => r.Json)));
        }
    }
}
