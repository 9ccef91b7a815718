using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Storage;

/// <summary>Every activity in and out of every conversation, in order, in the embedded SQLite file.</summary>
public sealed class SqliteTranscriptStore(SqliteDatabase database, TranscriptFeed feed) : ITranscriptStore
{
    public async Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var rows = activities.Select(activity =>
        {
            activity.Id ??= Guid.NewGuid().ToString("N");
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            var conversation = activity.Conversation?.Id ?? throw new ArgumentException("An activity without conversation.id cannot be stored.");
            return (Activity: activity, Conversation: conversation, Json: BotJson.Serialize(activity));
        }).ToList();

        var stored = await database.WriteAsync((connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR IGNORE INTO transcript (channel_id, conversation_id, activity_id, timestamp, json)
                VALUES ($channel, $conversation, $id, $timestamp, $json) RETURNING seq
                """;
            var channel = command.Parameters.Add("$channel", SqliteType.Text);
            var conversation = command.Parameters.Add("$conversation", SqliteType.Text);
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var timestamp = command.Parameters.Add("$timestamp", SqliteType.Text);
            var json = command.Parameters.Add("$json", SqliteType.Text);
            var entries = new List<TranscriptEntry>(rows.Count);
            foreach (var row in rows)
            {
                channel.Value = row.Activity.ChannelId ?? "";
                conversation.Value = row.Conversation;
                id.Value = row.Activity.Id;
                timestamp.Value = row.Activity.Timestamp!.Value.ToString("O");
                json.Value = row.Json;
                if (command.ExecuteScalar() is long seq)
                {
                    entries.Add(new TranscriptEntry(seq.ToString(CultureInfo.InvariantCulture), row.Activity));
                }
            }
            return entries;
        });

        // Only after the commit: a stream never shows what a crash could still take back.
        foreach (var group in stored.GroupBy(e => e.Activity.Conversation!.Id!))
        {
            feed.Publish(group.Key, group.ToList());
        }
    }

    /// <summary>The watermark is the row's sequence number: rows are numbered as they commit.</summary>
    public bool IsWatermark(string watermark) => watermark.Length == 0 || Seq(watermark) is not null;

    public Task<IReadOnlyList<TranscriptEntry>> GetActivitiesAsync(string conversationId, string watermark, int limit, CancellationToken cancellationToken) =>
        ReadAsync("channel_id IN ('webchat', 'directline')", null, conversationId, Seq(watermark) ?? 0, limit, cancellationToken);

    public Task<IReadOnlyList<TranscriptEntry>> GetConversationAsync(string channelId, string conversationId, CancellationToken cancellationToken) =>
        ReadAsync("channel_id = $channel", channelId, conversationId, 0, int.MaxValue, cancellationToken);

    private async Task<IReadOnlyList<TranscriptEntry>> ReadAsync(string channelFilter, string? channelId, string conversationId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<TranscriptEntry>();
        try
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT seq, json FROM transcript WHERE conversation_id = $conversation AND {channelFilter} AND seq > $after ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$conversation", conversationId);
            command.Parameters.AddWithValue("$channel", channelId ?? "");
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new TranscriptEntry(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), BotJson.Deserialize<Activity>(reader.GetString(1))!));
            }
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Reading the transcript from {database.Path} failed: {e.Message}", e);
        }
        return entries;
    }

    private static long? Seq(string watermark) =>
        long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
}
