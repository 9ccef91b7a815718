using System.Globalization;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Storage;

namespace SupportBot.Agents;

/// <summary>The handoff queue in the embedded SQLite file, so it survives a restart. At most one active handoff per
/// conversation, enforced by a unique index; every change of owner is one conditional UPDATE, so of two agents
/// accepting at once exactly one wins.</summary>
public sealed class SqliteHandoffQueue(SqliteDatabase database) : IHandoffQueue
{
    private const string Columns = "id, conversation_key, status, agent, agent_name, requested_at, accepted_at, ended_at, told_position, teams_thread, request, reference, announced_at";

    /// <summary>Queues the request unless the conversation already has an active handoff; answers the active one.</summary>
    public async Task<Handoff> EnqueueAsync(string id, HandoffRequest request, ConversationReference reference, DateTimeOffset now)
    {
        var key = ConversationKeys.Of(reference.ChannelId, reference.Conversation?.Id);
        await database.WriteAsync((connection, transaction) => Execute(connection, transaction, """
            INSERT OR IGNORE INTO handoff (id, conversation_key, status, requested_at, told_position, request, reference)
            VALUES ($id, $key, 'queued', $now, (SELECT COUNT(*) + 1 FROM handoff WHERE status = 'queued'), $request, $reference)
            """, ("$id", id), ("$key", key), ("$now", Time(now)), ("$request", BotJson.Serialize(request)), ("$reference", BotJson.Serialize(reference))));
        return await ActiveAsync(key) ?? throw new StorageUnavailableException($"The handoff for {key} was not stored.");
    }

    public async Task<Handoff?> ActiveAsync(string conversationKey) =>
        (await QueryAsync($"SELECT {Columns} FROM handoff WHERE conversation_key = $key AND status IN ('queued', 'assigned')", ("$key", conversationKey))).FirstOrDefault();

    public async Task<Handoff?> GetAsync(string id) =>
        (await QueryAsync($"SELECT {Columns} FROM handoff WHERE id = $id", ("$id", id))).FirstOrDefault();

    /// <summary>Waiting conversations, longest wait first: that is the order they are taken in.</summary>
    public Task<List<Handoff>> QueuedAsync() =>
        QueryAsync($"SELECT {Columns} FROM handoff WHERE status = 'queued' ORDER BY requested_at, id");

    public Task<List<Handoff>> AssignedAsync() =>
        QueryAsync($"SELECT {Columns} FROM handoff WHERE status = 'assigned' ORDER BY accepted_at");

    /// <summary>How long the last accepted conversations waited for a person; the queue's estimates come from it.</summary>
    public async Task<List<TimeSpan>> RecentWaitsAsync(int count)
    {
        var accepted = await QueryAsync($"SELECT {Columns} FROM handoff WHERE accepted_at IS NOT NULL ORDER BY accepted_at DESC LIMIT $n", ("$n", count));
        return accepted.Select(h => h.AcceptedAt!.Value - h.RequestedAt).ToList();
    }

    /// <summary>True for the one agent whose accept took the queued conversation.</summary>
    public Task<bool> AcceptAsync(string id, string agent, string agentName, string? teamsThread, DateTimeOffset now) => database.WriteAsync((connection, transaction) =>
        Execute(connection, transaction, "UPDATE handoff SET status = 'assigned', agent = $agent, agent_name = $name, accepted_at = $now, teams_thread = $thread WHERE id = $id AND status = 'queued'",
            ("$id", id), ("$agent", agent), ("$name", agentName), ("$now", Time(now)), ("$thread", teamsThread)) == 1);

    /// <summary>The owner passes the conversation back: it keeps its place (the time it first asked).</summary>
    public Task<bool> ReturnAsync(string id, string agent, DateTimeOffset now) => ChangeAsync(
        "UPDATE handoff SET status = 'queued', agent = NULL, agent_name = NULL, accepted_at = NULL, told_position = NULL, announced_at = NULL WHERE id = $id AND status = 'assigned' AND agent = $agent", id, agent, now);

    public Task<bool> EndAsync(string id, string agent, DateTimeOffset now) => ChangeAsync(
        "UPDATE handoff SET status = 'ended', ended_at = $now WHERE id = $id AND status = 'assigned' AND agent = $agent", id, agent, now);

    /// <summary>The customer stopped waiting (back to the bot, or left a message).</summary>
    public Task<bool> WithdrawAsync(string conversationKey, DateTimeOffset now) => database.WriteAsync((connection, transaction) => Execute(connection, transaction,
        "UPDATE handoff SET status = 'withdrawn', ended_at = $now WHERE conversation_key = $key AND status = 'queued'", ("$key", conversationKey), ("$now", Time(now))) > 0);

    public Task MarkAnnouncedAsync(string id, DateTimeOffset now) => database.WriteAsync((connection, transaction) => Execute(connection, transaction,
        "UPDATE handoff SET announced_at = $now WHERE id = $id", ("$id", id), ("$now", Time(now))));

    /// <summary>The handoff last accepted in that Teams thread, whatever has become of it since.</summary>
    public async Task<Handoff?> ByTeamsThreadAsync(string thread) =>
        (await QueryAsync($"SELECT {Columns} FROM handoff WHERE teams_thread = $thread ORDER BY accepted_at DESC LIMIT 1", ("$thread", thread))).FirstOrDefault();

    public Task SetToldPositionAsync(string id, int position) => database.WriteAsync((connection, transaction) => Execute(connection, transaction,
        "UPDATE handoff SET told_position = $position WHERE id = $id", ("$id", id), ("$position", position)));

    public Task AddNoteAsync(string handoffId, string agent, string text, DateTimeOffset now) => database.WriteAsync((connection, transaction) => Execute(connection, transaction,
        "INSERT INTO agent_note (handoff_id, agent, at, text) VALUES ($id, $agent, $at, $text)", ("$id", handoffId), ("$agent", agent), ("$at", Time(now)), ("$text", text)));

    public async Task<List<AgentNote>> NotesAsync(string handoffId) =>
        await ReadAsync("SELECT agent, at, text FROM agent_note WHERE handoff_id = $id ORDER BY seq",
            r => new AgentNote(r.GetString(0), Parse(r.GetString(1)), r.GetString(2)), ("$id", handoffId));

    /// <summary>Stores the follow-up once, however often the turn that left it runs.</summary>
    public Task AddFollowUpAsync(FollowUp followUp) => database.WriteAsync((connection, transaction) => Execute(connection, transaction, """
        INSERT OR IGNORE INTO follow_up (id, conversation_key, created_at, due_at, contact, note, request)
        VALUES ($id, $key, $created, $due, $contact, $note, $request)
        """, ("$id", followUp.Id), ("$key", followUp.ConversationKey), ("$created", Time(followUp.CreatedAt)), ("$due", Time(followUp.Due)),
        ("$contact", followUp.Contact), ("$note", followUp.Note), ("$request", BotJson.Serialize(followUp.Request))));

    /// <summary>Open follow-ups, the most urgent first.</summary>
    public Task<List<FollowUp>> OpenFollowUpsAsync() => ReadAsync($"SELECT {FollowUpColumns} FROM follow_up WHERE closed_at IS NULL ORDER BY due_at", ReadFollowUp);

    public async Task<(List<Handoff> Handoffs, List<FollowUp> FollowUps)> HistoryAsync(IReadOnlySet<string> conversationKeys)
    {
        var handoffs = await QueryAsync($"SELECT {Columns} FROM handoff ORDER BY requested_at");
        var followUps = await ReadAsync($"SELECT {FollowUpColumns} FROM follow_up ORDER BY created_at", ReadFollowUp);
        return (handoffs.Where(h => conversationKeys.Contains(h.ConversationKey)).ToList(), followUps.Where(f => conversationKeys.Contains(f.ConversationKey)).ToList());
    }

    private const string FollowUpColumns = "id, conversation_key, created_at, due_at, contact, note, request, closed_by, closed_at";

    private static FollowUp ReadFollowUp(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), Parse(r.GetString(2)), Parse(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
            BotJson.Deserialize<HandoffRequest>(r.GetString(6))!, r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : Parse(r.GetString(8)));

    public Task<bool> CloseFollowUpAsync(string id, string agent, DateTimeOffset now) => database.WriteAsync((connection, transaction) => Execute(connection, transaction,
        "UPDATE follow_up SET closed_by = $agent, closed_at = $now WHERE id = $id AND closed_at IS NULL", ("$id", id), ("$agent", agent), ("$now", Time(now))) > 0);

    private Task<bool> ChangeAsync(string sql, string id, string agent, DateTimeOffset now) => database.WriteAsync((connection, transaction) =>
        Execute(connection, transaction, sql, ("$id", id), ("$agent", agent), ("$now", Time(now))) == 1);

    private Task<List<Handoff>> QueryAsync(string sql, params (string Name, object? Value)[] parameters) => ReadAsync(sql, r => new Handoff(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), Parse(r.GetString(5)),
        r.IsDBNull(6) ? null : Parse(r.GetString(6)), r.IsDBNull(7) ? null : Parse(r.GetString(7)), r.IsDBNull(8) ? null : r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetString(9), BotJson.Deserialize<HandoffRequest>(r.GetString(10))!, BotJson.Deserialize<ConversationReference>(r.GetString(11))!,
        r.IsDBNull(12) ? null : Parse(r.GetString(12))), parameters);

    private async Task<List<T>> ReadAsync<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        try
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<T>();
            while (await reader.ReadAsync())
            {
                rows.Add(map(reader));
            }
            return rows;
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException($"Reading the handoff queue from {database.Path} failed: {e.Message}", e);
        }
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command.ExecuteNonQuery();
    }

    /// <summary>UTC in the round-trip format, so times sort as text.</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
