using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SupportBot.Storage;

namespace SupportBot.Admin.Versions;

/// <summary>The versions in the SQLite file; a new number is taken inside the database's single writer.</summary>
public sealed class SqlitePlaybookVersions(SqliteDatabase database, TimeProvider clock) : IPlaybookVersions
{
    private const string Columns = "number, published_by, published_at, note, diff, json";

    public async Task<IReadOnlyList<PlaybookVersion>> ListAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {Columns} FROM playbook_version ORDER BY number DESC", null, cancellationToken);

    public async Task<PlaybookVersion?> GetAsync(int number, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM playbook_version WHERE number = $n", number, cancellationToken)).FirstOrDefault();

    public async Task<PlaybookVersion?> LatestAsync(CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {Columns} FROM playbook_version ORDER BY number DESC LIMIT 1", null, cancellationToken)).FirstOrDefault();

    public Task<PlaybookVersion> AddAsync(string json, string publishedBy, string note, string startedWith) =>
        database.WriteAsync((connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            var previous = Latest(connection, transaction);
            if (previous is null)
            {
                previous = Insert(connection, transaction, 1, startedWith, "system", now, "The playbook in force before the first publish", []);
            }
            return Insert(connection, transaction, previous.Number + 1, json, publishedBy, now, note, PlaybookDiff.Between(previous.Json, json));
        });

    private static PlaybookVersion? Latest(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM playbook_version ORDER BY number DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static PlaybookVersion Insert(SqliteConnection connection, SqliteTransaction transaction, int number, string json, string by, DateTimeOffset at,
        string note, IReadOnlyList<PlaybookChange> changes)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO playbook_version (number, json, published_by, published_at, note, diff) VALUES ($n, $json, $by, $at, $note, $diff)";
        command.Parameters.AddWithValue("$n", number);
        command.Parameters.AddWithValue("$json", json);
        command.Parameters.AddWithValue("$by", by);
        command.Parameters.AddWithValue("$at", at.ToString("O"));
        command.Parameters.AddWithValue("$note", note);
        command.Parameters.AddWithValue("$diff", JsonSerializer.Serialize(changes, JsonSerializerOptions.Web));
        command.ExecuteNonQuery();
        return new PlaybookVersion(number, by, at, note, changes) { Json = json };
    }

    private async Task<IReadOnlyList<PlaybookVersion>> QueryAsync(string sql, int? number, CancellationToken cancellationToken)
    {
        await using var connection = database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (number is { } n)
        {
            command.Parameters.AddWithValue("$n", n);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<PlaybookVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Read(reader));
        }
        return versions;
    }

    private static PlaybookVersion Read(SqliteDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetString(3),
            JsonSerializer.Deserialize<List<PlaybookChange>>(reader.GetString(4), JsonSerializerOptions.Web) ?? [])
        { Json = reader.GetString(5) };
}
