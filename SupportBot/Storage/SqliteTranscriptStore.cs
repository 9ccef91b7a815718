using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Storage;

/// <summary>Every activity in and out of every conversation, in order, in the embedded SQLite file; a turn's state
/// changes are committed with its activities when the state is kept in the same file.</summary>
public sealed class SqliteTranscriptStore(SqliteDatabase database, TranscriptFeed feed) : ITurnStore, ITranscriptStore
{
    public async Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var rows = Rows(activities);
        Publish(await database.WriteAsync((connection, transaction) => Insert(connection, transaction, rows)));
    }

    public bool CanCommit(IStorage storage) => storage is SqliteStorage state && state.IsIn(database);

    public async Task<IReadOnlyDictionary<string, string>> CommitTurnAsync(IStorage storage, IReadOnlyDictionary<string, StoreItem> changes,
        IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var state = storage is SqliteStorage s && s.IsIn(database) ? s : throw new ArgumentException("The state is not kept in this database.", nameof(storage));
        var rows = Rows(activities);
        // One savepoint: a conflict on the state undoes the transcript rows too.
        var (stored, etags) = await database.WriteAsync((connection, transaction) => (Insert(connection, transaction, rows), state.Write(transaction, changes)));
        Publish(stored);
        return etags;
    }

    private static List<(Activity Activity, string Conversation, string Json)> Rows(IReadOnlyList<Activity> activities) =>
        activities.Select(activity =>
        {
            activity.Id ??= Activity.NewId();
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            var conversation = activity.Conversation?.Id ?? throw new ArgumentException("An activity without conversation.id cannot be stored.");
            return (activity, conversation, BotJson.Serialize(activity));
        }).ToList();

    private List<TranscriptEntry> Insert(SqliteConnection connection, SqliteTransaction transaction, List<(Activity Activity, string Conversation, string Json)> rows)
    {
        // An activity already stored in its conversation (a redelivery, a re-run turn) keeps its place.
        var command = database.Command(transaction, """
            INSERT INTO transcript (conversation, activity_id, channel_id, timestamp, json)
            VALUES ($conversation, $id, $channel, $timestamp, $json) ON CONFLICT DO NOTHING
            """);
        var entries = new List<TranscriptEntry>(rows.Count);
        (string Id, long Number)? conversation = null;
        foreach (var row in rows)
        {
            var timestamp = row.Activity.Timestamp!.Value.ToUniversalTime().ToString("O");
            if (conversation?.Id != row.Conversation)
            {
                conversation = (row.Conversation, Number(transaction, row.Conversation, timestamp)); // a turn's rows share one
            }
            command.Bind("$conversation", conversation.Value.Number).Bind("$id", row.Activity.Id!).Bind("$channel", row.Activity.ChannelId ?? "")
                .Bind("$timestamp", timestamp).Bind("$json", row.Json);
            if (command.ExecuteNonQuery() == 1)
            {
                entries.Add(new TranscriptEntry(SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle).ToString(CultureInfo.InvariantCulture), row.Activity));
            }
        }
        return entries;
    }

    /// <summary>The conversation's number, given the first time it is stored, when it also starts at
    /// <paramref name="timestamp"/> (its first activity's).</summary>
    private long Number(SqliteTransaction transaction, string conversation, string timestamp) =>
        database.Command(transaction, "SELECT number FROM conversation WHERE id = $id").Bind("$id", conversation).ExecuteScalar() as long?
        ?? (long)database.Command(transaction, "INSERT INTO conversation (id, started) VALUES ($id, $started) RETURNING number")
            .Bind("$id", conversation).Bind("$started", timestamp).ExecuteScalar()!;

    /// <summary>Only after the commit: a stream never shows what a crash could still take back.</summary>
    private void Publish(List<TranscriptEntry> stored)
    {
        foreach (var conversation in stored.Select(e => e.Activity.Conversation!.Id!).Distinct())
        {
            feed.Publish(conversation);
        }
    }

    /// <summary>The watermark is the row's sequence number: rows are numbered as they commit.</summary>
    public bool IsWatermark(string watermark) => watermark.Length == 0 || Seq(watermark) is not null;

    public Task<IReadOnlyList<TranscriptEntry>> GetActivitiesAsync(string conversationId, string watermark, int limit, CancellationToken cancellationToken) =>
        ReadAsync("channel_id IN ('webchat', 'directline')", null, conversationId, Seq(watermark) ?? 0, limit, cancellationToken);

    public Task<IReadOnlyList<TranscriptEntry>> GetConversationAsync(string channelId, string conversationId, CancellationToken cancellationToken) =>
        ReadAsync("channel_id = $channel", channelId, conversationId, 0, int.MaxValue, cancellationToken);

    public async Task<IReadOnlyList<StoredConversation>> ConversationsStartedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var byKey = new Dictionary<(string Channel, string Id), List<Activity>>();
        try
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            // Timestamps are stored as round-trip UTC text, so they compare in time order; the index on started
            // finds the period's conversations without reading the rest of the transcript.
            command.CommandText = """
                SELECT t.channel_id, c.id, t.json FROM conversation c JOIN transcript t ON t.conversation = c.number
                WHERE c.started >= $from AND c.started < $to
                ORDER BY t.seq
                """;
            command.Parameters.AddWithValue("$from", from.ToUniversalTime().ToString("O"));
            command.Parameters.AddWithValue("$to", to.ToUniversalTime().ToString("O"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), reader.GetString(1));
                if (!byKey.TryGetValue(key, out var activities))
                {
                    byKey[key] = activities = [];
                }
                activities.Add(BotJson.Deserialize<Activity>(reader.GetString(2))!);
            }
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Reading the transcripts from {database.Path} failed: {e.Message}", e);
        }
        return byKey.Select(c => new StoredConversation(c.Key.Channel, c.Key.Id, c.Value)).ToList();
    }

    private async Task<IReadOnlyList<TranscriptEntry>> ReadAsync(string channelFilter, string? channelId, string conversationId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<TranscriptEntry>();
        try
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT seq, json FROM transcript WHERE conversation = (SELECT number FROM conversation WHERE id = $conversation)
                    AND {channelFilter} AND seq > $after ORDER BY seq LIMIT $limit
                """;
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
