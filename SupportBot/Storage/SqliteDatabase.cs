using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage;

/// <summary>The embedded database file. Reads use pooled connections (the state read every turn makes uses a small pool
/// of its own, whose statements stay compiled); every write goes through one writer that commits the writes of all
/// turns waiting at that moment in a single transaction (group commit), each in its own savepoint so one turn's
/// conflict never undoes another's. A write's task completes only after its commit.</summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int MaxIdleReaders = 8;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS state (
            key TEXT PRIMARY KEY,
            json TEXT NOT NULL,
            etag TEXT NOT NULL);
        -- A conversation's activities are found through an index on its number: conversations are numbered as they
        -- start, so the entries of those going on now sit together in the index's last pages, where an index on the
        -- conversation's id (random text) had every turn change pages of its own. started (its first stored activity's
        -- timestamp) lets analytics find the conversations of a period without reading the whole transcript.
        CREATE TABLE IF NOT EXISTS conversation (
            number INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            started TEXT);
        CREATE INDEX IF NOT EXISTS conversation_started ON conversation (started);
        -- seq numbers activities in commit order (the Direct Line watermark). Nothing deletes a row (nothing may: the
        -- watermark needs it), so a new row's number, the largest plus one, is never one given before.
        CREATE TABLE IF NOT EXISTS transcript (
            seq INTEGER PRIMARY KEY,
            conversation INTEGER NOT NULL,
            activity_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            timestamp TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS transcript_activity ON transcript (conversation, activity_id);
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
        CREATE TABLE IF NOT EXISTS undelivered (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            activity_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            service_url TEXT NOT NULL,
            json TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT NOT NULL,
            failed_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS handoff (
            id TEXT PRIMARY KEY,
            conversation_key TEXT NOT NULL,
            status TEXT NOT NULL,
            agent TEXT,
            agent_name TEXT,
            requested_at TEXT NOT NULL,
            accepted_at TEXT,
            ended_at TEXT,
            told_position INTEGER,
            announced_at TEXT,
            teams_thread TEXT,
            request TEXT NOT NULL,
            reference TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS handoff_active ON handoff (conversation_key) WHERE status IN ('queued', 'assigned');
        CREATE INDEX IF NOT EXISTS handoff_by_status ON handoff (status, requested_at);
        CREATE TABLE IF NOT EXISTS follow_up (
            id TEXT PRIMARY KEY,
            conversation_key TEXT NOT NULL,
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            contact TEXT NOT NULL,
            note TEXT,
            request TEXT NOT NULL,
            closed_by TEXT,
            closed_at TEXT);
        CREATE TABLE IF NOT EXISTS agent_note (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            handoff_id TEXT NOT NULL,
            agent TEXT NOT NULL,
            at TEXT NOT NULL,
            text TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS playbook_draft (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            json TEXT NOT NULL,
            revision INTEGER NOT NULL,
            saved_by TEXT NOT NULL,
            saved_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS playbook_version (
            number INTEGER PRIMARY KEY,
            json TEXT NOT NULL,
            published_by TEXT NOT NULL,
            published_at TEXT NOT NULL,
            note TEXT NOT NULL,
            diff TEXT NOT NULL);
        """;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writeLoop;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal); // the writer's only
    private readonly ConcurrentBag<PreparedReader> _readers = [];
    [ThreadStatic] private static Write? t_running; // the write whose work runs now on this thread (only ever the writer)

    private readonly ILogger? _logger;
    private int _disposed; // 1 once disposing has begun

    public SqliteDatabase(string path, ILogger<SqliteDatabase>? logger = null)
    {
        _logger = logger;
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        // FULL: every commit reaches the disk before its turn's reply goes out, so a power cut cannot take back an
        // answered turn (NORMAL in WAL mode only survives a crash of the process). Group commit shares one fsync per batch.
        try
        {
            Execute(_writer, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
            CreateSchema();
        }
        catch
        {
            _writer.Dispose();
            SqliteConnection.ClearPool(_writer); // a file that cannot be opened stays closed (disposing only pools it)
            throw;
        }
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }

    /// <summary>The state rows last committed or read here, kept by <see cref="SqliteStorage"/>.</summary>
    internal RecentState RecentState { get; } = new();

    /// <summary>A pooled connection for reading (WAL readers never wait for the writer).</summary>
    public SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="read"/> on a reader connection whose commands stay compiled between reads (the
    /// state read runs every turn; compiling its SQL was a visible share of a turn). A reader that failed is closed.</summary>
    internal T Read<T>(Func<PreparedReader, T> read)
    {
        var reader = _readers.TryTake(out var idle) ? idle : new PreparedReader(OpenRead());
        try
        {
            var result = read(reader);
            if (Volatile.Read(ref _disposed) == 0 && _readers.Count < MaxIdleReaders)
            {
                _readers.Add(reader);
                reader = null;
            }
            return result;
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="work"/> in the next group commit and answers its result once committed.
    /// An exception from <paramref name="work"/> undoes only its own changes and is rethrown here. A queued write is
    /// never abandoned halfway: it commits even if its caller has gone, so it must also be awaited to the end.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        var write = new Write<T>(work) { Database = this };
        if (!_writes.Writer.TryWrite(write))
        {
            throw new StorageUnavailableException($"The database {Path} is closed.");
        }
        return write.Completion.Task;
    }

    /// <summary>Inside a write: runs <paramref name="action"/> on the writer once that write is committed, in commit
    /// order and before the write's caller hears of it; never if it was undone. It must not throw (one that does
    /// makes the database forget its <see cref="RecentState"/>).</summary>
    public void AfterCommit(Action action)
    {
        var write = t_running is { } running && ReferenceEquals(running.Database, this)
            ? running
            : throw new InvalidOperationException("AfterCommit belongs inside a WriteAsync of this database.");
        (write.AfterCommit ??= []).Add(action);
    }

    /// <summary>A command on the writer connection for a write's own statements: compiled by SQLite once and reused
    /// by every later write with the same text. Only inside a write; parameters keep their last values.</summary>
    public SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        if (transaction.Connection != _writer)
        {
            throw new InvalidOperationException("Prepared commands belong to the writer: use them only inside WriteAsync.");
        }
        if (!_prepared.TryGetValue(sql, out var command))
        {
            _prepared[sql] = command = _writer.CreateCommand();
            command.CommandText = sql;
        }
        command.Transaction = transaction;
        return command;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }
            try
            {
                using var transaction = _writer.BeginTransaction();
                foreach (var write in batch)
                {
                    Command(transaction, "SAVEPOINT w").ExecuteNonQuery();
                    t_running = write;
                    try
                    {
                        write.Run(_writer, transaction);
                        Command(transaction, "RELEASE w").ExecuteNonQuery();
                    }
                    catch (Exception e)
                    {
                        Command(transaction, "ROLLBACK TO w").ExecuteNonQuery();
                        Command(transaction, "RELEASE w").ExecuteNonQuery();
                        write.Failed = e is SqliteException ? new StorageUnavailableException($"Writing to {Path} failed: {e.Message}", e) : e;
                    }
                    finally
                    {
                        t_running = null;
                    }
                }
                transaction.Commit();
            }
            catch (Exception e)
            {
                var failure = new StorageUnavailableException($"Committing to {Path} failed: {e.Message}", e);
                batch.ForEach(w => w.Fail(failure));
                batch.Clear();
                continue;
            }
            // Every write's follow-ups run before any caller hears of its commit, so a turn that follows one it
            // awaited sees what that one left in memory.
            foreach (var write in batch.Where(w => w.Failed is null && w.AfterCommit is not null))
            {
                RunAfterCommit(write.AfterCommit!);
            }
            batch.ForEach(w => w.Complete());
            batch.Clear();
        }
    }

    private void RunAfterCommit(List<Action> actions)
    {
        foreach (var action in actions)
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                // The write is committed whatever happens here; what is remembered of it may now be wrong, so drop it all.
                RecentState.Clear();
                _logger?.LogError(e, "A follow-up of a commit to {Path} failed; the state rows remembered in memory were dropped.", Path);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _writes.Writer.TryComplete();
        await _writeLoop;
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync();
        }
        await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
        SqliteConnection.ClearPool(_writer); // pooled connections would keep the file open until the process ends
    }

    /// <summary>Creates what is missing. A file from before conversations were numbered has its transcript moved to the
    /// new tables, every activity keeping its seq (a client's watermark); conversations stored without their start
    /// have it filled in from their earliest activities.</summary>
    private void CreateSchema()
    {
        using var transaction = _writer.BeginTransaction();
        using var layout = _writer.CreateCommand();
        layout.Transaction = transaction;
        layout.CommandText = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'transcript'";
        var unnumbered = layout.ExecuteScalar() is string sql && sql.Contains("conversation_id", StringComparison.Ordinal);
        if (unnumbered)
        {
            _logger?.LogWarning("Moving the transcript in {Path} to numbered conversations; a large one takes a while, once.", Path);
            Execute(_writer, transaction, "ALTER TABLE transcript RENAME TO transcript_unnumbered; DROP INDEX IF EXISTS transcript_by_conversation;");
        }
        layout.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'transcript_of_conversation'";
        if ((long)layout.ExecuteScalar()! > 0)
        {
            // A file from builds that looked for a repeated activity among the latest 200 only: an older repeat may be
            // stored twice. Both copies stay (a client may have been shown either); the later one gets an id of its own.
            Execute(_writer, transaction, """
                UPDATE transcript SET activity_id = activity_id || '#' || seq
                    WHERE seq NOT IN (SELECT MIN(seq) FROM transcript GROUP BY conversation, activity_id);
                DROP INDEX transcript_of_conversation;
                """);
        }
        // A conversation table from before its start was kept (no rows at all when there is no such table yet).
        layout.CommandText = "SELECT count(*) > 0 AND sum(name = 'started') = 0 FROM pragma_table_info('conversation')";
        if (layout.ExecuteScalar() is 1L)
        {
            Execute(_writer, transaction, "ALTER TABLE conversation ADD COLUMN started TEXT");
        }
        Execute(_writer, transaction, Schema);
        if (unnumbered)
        {
            Execute(_writer, transaction, """
                INSERT INTO conversation (id) SELECT conversation_id FROM transcript_unnumbered GROUP BY conversation_id ORDER BY MIN(seq);
                INSERT INTO transcript (seq, conversation, activity_id, channel_id, timestamp, json)
                    SELECT t.seq, c.number, t.activity_id, t.channel_id, t.timestamp, t.json
                    FROM transcript_unnumbered t JOIN conversation c ON c.id = t.conversation_id ORDER BY t.seq;
                DROP TABLE transcript_unnumbered;
                """);
        }
        // Conversations without a start: stored before it was kept, or since by an earlier build (a rollback).
        layout.CommandText = "SELECT EXISTS (SELECT 1 FROM conversation WHERE started IS NULL)";
        if (layout.ExecuteScalar() is 1L)
        {
            _logger?.LogWarning("Noting when conversations in {Path} started; a large transcript takes a while, once.", Path);
            Execute(_writer, transaction, """
                UPDATE conversation SET started = first.timestamp
                    FROM (SELECT conversation, MIN(timestamp) AS timestamp FROM transcript GROUP BY conversation) AS first
                    WHERE first.conversation = conversation.number AND conversation.started IS NULL;
                """);
        }
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A reader connection lent by <see cref="Read"/> with the commands it has compiled, by SQL text.</summary>
    internal sealed class PreparedReader(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The command for <paramref name="sql"/>; parameters keep their last values.</summary>
        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                _commands[sql] = command = connection.CreateCommand();
                command.CommandText = sql;
            }
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }
            connection.Dispose();
        }
    }

    private abstract class Write
    {
        public required SqliteDatabase Database { get; init; }

        public Exception? Failed { get; set; }

        public List<Action>? AfterCommit { get; set; }

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception failure);
    }

    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) : Write
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);

        public override void Complete()
        {
            if (Failed is null)
            {
                Completion.TrySetResult(_result!);
            }
            else
            {
                Completion.TrySetException(Failed);
            }
        }

        public override void Fail(Exception failure) => Completion.TrySetException(failure);
    }
}
