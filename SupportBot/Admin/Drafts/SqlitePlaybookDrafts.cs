using System.Globalization;
using SupportBot.Playbooks;
using SupportBot.Storage;

namespace SupportBot.Admin.Drafts;

/// <summary>The draft in the SQLite file. The revision check runs inside the database's single writer, so of two
/// concurrent saves the second is refused.</summary>
public sealed class SqlitePlaybookDrafts(SqliteDatabase database, PlaybookHost live, TimeProvider clock) : IPlaybookDrafts
{
    public async Task<Draft> GetAsync(CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json, revision, saved_by, saved_at FROM playbook_draft WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Draft(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture))
            : new Draft(live.CurrentJson, 0, "", DateTimeOffset.MinValue);
    }

    public Task<Draft?> SaveAsync(string json, long basedOn, string savedBy) =>
        database.WriteAsync<Draft?>((connection, transaction) =>
        {
            using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT revision FROM playbook_draft WHERE id = 1";
            var current = read.ExecuteScalar() is long r ? r : 0;
            if (current != basedOn)
            {
                return null;
            }
            var saved = new Draft(json, current + 1, savedBy, clock.GetUtcNow());
            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO playbook_draft (id, json, revision, saved_by, saved_at) VALUES (1, $json, $revision, $by, $at)
                ON CONFLICT (id) DO UPDATE SET json = excluded.json, revision = excluded.revision, saved_by = excluded.saved_by, saved_at = excluded.saved_at
                """;
            write.Parameters.AddWithValue("$json", json);
            write.Parameters.AddWithValue("$revision", saved.Revision);
            write.Parameters.AddWithValue("$by", savedBy);
            write.Parameters.AddWithValue("$at", saved.SavedAt.ToString("O"));
            write.ExecuteNonQuery();
            return saved;
        });
}
