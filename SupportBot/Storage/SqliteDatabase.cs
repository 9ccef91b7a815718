using Microsoft.Data.Sqlite;

namespace SupportBot.Storage;

/// <summary>The embedded database file: its schema and its connections. SQLite takes one writer at a time, so
/// writes queue on a lock here rather than spinning on SQLITE_BUSY.</summary>
public sealed class SqliteDatabase
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS state (
            key TEXT PRIMARY KEY,
            json TEXT NOT NULL,
            etag TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS transcript (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            channel_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            activity_id TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            json TEXT NOT NULL,
            UNIQUE (conversation_id, activity_id));
        CREATE INDEX IF NOT EXISTS transcript_by_conversation ON transcript (conversation_id, seq);
        CREATE TABLE IF NOT EXISTS directline_conversation (
            id TEXT PRIMARY KEY,
            user_id TEXT,
            created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS upload (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            content BLOB NOT NULL);
        """;

    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, Schema);
    }

    public string Path { get; }

    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
