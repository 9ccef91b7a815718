using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Storage;

/// <summary>The SQLite transcript: conversations numbered as they start, activities numbered as they commit.</summary>
public sealed class SqliteTranscriptStoreTests
{
    [Fact]
    public async Task A_file_with_the_earlier_layout_keeps_every_activity_under_its_seq_and_numbers_new_ones_after_them()
    {
        // The layout of files written before conversations were numbered, with the index an even earlier one had.
        var path = FileWith("transcript-layout", """
            CREATE TABLE transcript (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, channel_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
                activity_id TEXT NOT NULL, timestamp TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (conversation_id, activity_id));
            CREATE INDEX transcript_by_conversation ON transcript (conversation_id, seq);
            INSERT INTO transcript VALUES (3, 'webchat', 'a', 'a1', '2026-01-01T00:00:00.0000000Z', '{"type":"message","id":"a1","text":"first"}');
            INSERT INTO transcript VALUES (7, 'webchat', 'b', 'b1', '2026-01-01T00:00:01.0000000Z', '{"type":"message","id":"b1","text":"other"}');
            INSERT INTO transcript VALUES (9, 'webchat', 'a', 'a2', '2026-01-01T00:00:02.0000000Z', '{"type":"message","id":"a2","text":"second"}');
            """);

        await using var database = new SqliteDatabase(path);
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        await transcript.LogActivitiesAsync([Activities.Message("third", "a", channelId: "webchat")], default);

        var a = await transcript.GetActivitiesAsync("a", "", 10, default);
        Assert.Equal(["3", "9"], a.Take(2).Select(e => e.Watermark));
        Assert.Equal(["first", "second", "third"], a.Select(e => e.Activity.Text));
        Assert.True(long.Parse(a[2].Watermark) > 9);
        Assert.Equal(["third"], (await transcript.GetActivitiesAsync("a", "9", 10, default)).Select(e => e.Activity.Text));
        Assert.Equal(["other"], (await transcript.GetActivitiesAsync("b", "", 10, default)).Select(e => e.Activity.Text));
        await database.DisposeAsync();

        // Reopened: nothing is migrated twice and the earlier layout is gone.
        await using var reopened = new SqliteDatabase(path);
        var again = new SqliteTranscriptStore(reopened, new TranscriptFeed());
        Assert.Equal(["first", "second", "third"], (await again.GetConversationAsync("webchat", "a", default)).Select(e => e.Activity.Text));
        // Analytics finds the migrated conversations by when they started, each with all of its activities.
        var started = await again.ConversationsStartedAsync(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), default);
        Assert.Equal(["a: first second third", "b: other"], started.OrderBy(c => c.ConversationId)
            .Select(c => $"{c.ConversationId}: {string.Join(' ', c.Activities.Select(x => x.Text))}"));
        await using var read = reopened.OpenRead();
        using var tables = read.CreateCommand();
        tables.CommandText = "SELECT group_concat(name) FROM sqlite_schema WHERE name LIKE '%unnumbered%' OR name = 'transcript_by_conversation'";
        Assert.True(tables.ExecuteScalar() is DBNull);
    }

    [Fact]
    public async Task A_file_from_the_builds_that_looked_back_200_activities_opens_with_every_row_even_a_repeat_stored_twice()
    {
        var path = FileWith("transcript-lookback", NumberedTables + """
            CREATE INDEX transcript_of_conversation ON transcript (conversation);
            INSERT INTO conversation VALUES (1, 'a');
            INSERT INTO transcript VALUES (1, 1, 'x', 'webchat', '2026-01-01T00:00:00.0000000Z', '{"type":"message","id":"x","text":"first"}');
            INSERT INTO transcript VALUES (2, 1, 'y', 'webchat', '2026-01-01T00:00:01.0000000Z', '{"type":"message","id":"y","text":"second"}');
            INSERT INTO transcript VALUES (3, 1, 'x', 'webchat', '2026-01-01T00:00:02.0000000Z', '{"type":"message","id":"x","text":"first"}');
            """);

        await using var database = new SqliteDatabase(path);
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var again = Activities.Message("first", "a", channelId: "webchat");
        again.Id = "x";
        await transcript.LogActivitiesAsync([again, Activities.Message("third", "a", channelId: "webchat")], default);

        var a = await transcript.GetActivitiesAsync("a", "", 10, default);
        Assert.Equal(["1", "2", "3", "4"], a.Select(e => e.Watermark));
        Assert.Equal(["first", "second", "first", "third"], a.Select(e => e.Activity.Text));
        await using var read = database.OpenRead();
        using var index = read.CreateCommand();
        index.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'transcript_of_conversation'";
        Assert.Equal(0L, index.ExecuteScalar());
    }

    [Fact]
    public async Task A_file_from_before_conversations_kept_their_start_finds_them_by_their_earliest_activity()
    {
        var path = FileWith("transcript-unstarted", NumberedTables + """
            CREATE UNIQUE INDEX transcript_activity ON transcript (conversation, activity_id);
            INSERT INTO conversation VALUES (1, 'a'), (2, 'b');
            INSERT INTO transcript VALUES (1, 1, 'a1', 'webchat', '2026-01-01T23:59:00.0000000+00:00', '{"type":"message","id":"a1","text":"late on the 1st"}');
            INSERT INTO transcript VALUES (2, 2, 'b1', 'webchat', '2026-01-02T08:00:00.0000000+00:00', '{"type":"message","id":"b1","text":"on the 2nd"}');
            INSERT INTO transcript VALUES (3, 1, 'a2', 'webchat', '2026-01-02T00:01:00.0000000+00:00', '{"type":"message","id":"a2","text":"a reply after midnight"}');
            """);

        await using var database = new SqliteDatabase(path);
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var later = Activities.Message("a new one", "c", channelId: "webchat");
        later.Timestamp = new DateTimeOffset(2026, 1, 2, 12, 0, 0, TimeSpan.Zero);
        await transcript.LogActivitiesAsync([later], default);

        var first = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var day1 = await transcript.ConversationsStartedAsync(first, first.AddDays(1), default);
        Assert.Equal(["a: late on the 1st, a reply after midnight"], day1.Select(c => $"{c.ConversationId}: {string.Join(", ", c.Activities.Select(x => x.Text))}"));
        var day2 = await transcript.ConversationsStartedAsync(first.AddDays(1), first.AddDays(2), default);
        Assert.Equal(["b", "c"], day2.Select(c => c.ConversationId).Order());
        await database.DisposeAsync();

        // An earlier build run on the file again (a rollback) stores a conversation without its start; the next open fills it in.
        using (var earlierBuild = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            earlierBuild.Open();
            using var insert = earlierBuild.CreateCommand();
            insert.CommandText = """
                INSERT INTO conversation (id) VALUES ('d');
                INSERT INTO transcript (conversation, activity_id, channel_id, timestamp, json) SELECT number, 'd1', 'webchat',
                    '2026-01-01T10:00:00.0000000+00:00', '{"type":"message","id":"d1","text":"while rolled back"}' FROM conversation WHERE id = 'd';
                """;
            insert.ExecuteNonQuery();
        }
        await using var reopened = new SqliteDatabase(path);
        var again = new SqliteTranscriptStore(reopened, new TranscriptFeed());
        Assert.Equal(["a", "d"], (await again.ConversationsStartedAsync(first, first.AddDays(1), default)).Select(c => c.ConversationId).Order());
    }

    [Fact]
    public async Task An_activity_stored_again_is_kept_once_in_its_conversation_and_numbers_follow_commit_order()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("transcript-once"), "t.db"));
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var hello = Activities.Message("hello", "a", channelId: "webchat");
        hello.Id = "same";
        var elsewhere = Activities.Message("hello elsewhere", "b", channelId: "webchat");
        elsewhere.Id = "same";

        await transcript.LogActivitiesAsync([hello], default);
        await transcript.LogActivitiesAsync([elsewhere], default);
        await transcript.LogActivitiesAsync([hello, Activities.Message("after", "a", channelId: "webchat")], default);

        var a = await transcript.GetActivitiesAsync("a", "", 10, default);
        Assert.Equal(["hello", "after"], a.Select(e => e.Activity.Text));
        var b = await transcript.GetActivitiesAsync("b", "", 10, default);
        Assert.Equal(["hello elsewhere"], b.Select(e => e.Activity.Text)); // ids are unique per conversation only
        Assert.True(long.Parse(a[0].Watermark) < long.Parse(b[0].Watermark));
        Assert.True(long.Parse(b[0].Watermark) < long.Parse(a[1].Watermark));
    }

    [Fact]
    public async Task An_activity_repeated_in_one_write_or_hundreds_of_activities_later_is_kept_once()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("transcript-repeat"), "t.db"));
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var first = Activities.Message("first", "a", channelId: "webchat");
        await transcript.LogActivitiesAsync([first, first], default);
        await transcript.LogActivitiesAsync(Enumerable.Range(0, 300).Select(i => Activities.Message($"m{i}", "a", channelId: "webchat")).ToList(), default);
        await transcript.LogActivitiesAsync([first], default);

        var texts = (await transcript.GetActivitiesAsync("a", "", 1000, default)).Select(e => e.Activity.Text).ToList();
        Assert.Equal(301, texts.Count);
        Assert.Equal(["first", "m0"], texts[..2]);
        Assert.Equal("m299", texts[^1]);
    }
    [Fact]
    public async Task A_turn_undone_by_a_state_conflict_leaves_no_activity_and_later_ones_are_numbered_after_everything_seen()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("transcript-conflict"), "t.db"));
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var state = new SqliteStorage(database);
        await transcript.LogActivitiesAsync([Activities.Message("before", "b", channelId: "webchat")], default);
        var seen = long.Parse((await transcript.GetActivitiesAsync("b", "", 10, default))[0].Watermark);

        // Queued back to back, so usually in one group commit: the stale one is undone, the other commits.
        var stale = transcript.CommitTurnAsync(state, Changes("webchat/conversations/a", "no-such-etag"), [Activities.Message("lost", "a", channelId: "webchat")], default);
        var fine = transcript.CommitTurnAsync(state, Changes("webchat/conversations/b", null), [Activities.Message("kept", "b", channelId: "webchat")], default);
        await Assert.ThrowsAsync<StorageConflictException>(() => stale);
        await fine;

        Assert.Empty(await transcript.GetActivitiesAsync("a", "", 10, default));
        var b = await transcript.GetActivitiesAsync("b", seen.ToString(), 10, default);
        Assert.Equal(["kept"], b.Select(e => e.Activity.Text));
        var kept = long.Parse(b[0].Watermark);
        Assert.True(kept > seen);

        // The re-run of the undone turn is stored, numbered after everything a reader has already been shown.
        await transcript.CommitTurnAsync(state, Changes("webchat/conversations/a", null), [Activities.Message("again", "a", channelId: "webchat")], default);
        var a = await transcript.GetActivitiesAsync("a", "", 10, default);
        Assert.Equal(["again"], a.Select(e => e.Activity.Text));
        Assert.True(long.Parse(a[0].Watermark) > kept);
    }

    [Fact]
    public async Task A_conversation_stamped_in_local_time_counts_as_started_on_its_day_in_UTC()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("transcript-utc"), "t.db"));
        var transcript = new SqliteTranscriptStore(database, new TranscriptFeed());
        var late = Activities.Message("a late question", "a", channelId: "webchat");
        late.Timestamp = new DateTimeOffset(2026, 1, 1, 23, 30, 0, TimeSpan.FromHours(-2)); // 01:30 on 2 January, UTC
        await transcript.LogActivitiesAsync([late], default);

        var first = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Empty(await transcript.ConversationsStartedAsync(first, first.AddDays(1), default));
        Assert.Equal(["a"], (await transcript.ConversationsStartedAsync(first.AddDays(1), first.AddDays(2), default)).Select(c => c.ConversationId));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_and_left_closed()
    {
        var path = Path.Combine(TempFolder.Create("transcript-garbage"), "garbage.db");
        File.WriteAllText(path, new string('x', 8192));

        Assert.ThrowsAny<Exception>(() => new SqliteDatabase(path));

        // No handle of this process still points at the file (pooled connections would keep it open).
        var open = new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Select(fd => fd.LinkTarget).Where(target => target == path);
        Assert.Empty(open);
        Assert.Equal(new string('x', 8192), File.ReadAllText(path)); // nothing was written over it
    }

    /// <summary>The tables of the sixth to eighth sessions' layout: conversations numbered, no start kept.</summary>
    private const string NumberedTables = """
        CREATE TABLE conversation (number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
        CREATE TABLE transcript (seq INTEGER PRIMARY KEY, conversation INTEGER NOT NULL, activity_id TEXT NOT NULL,
            channel_id TEXT NOT NULL, timestamp TEXT NOT NULL, json TEXT NOT NULL);

        """;

    private static Dictionary<string, StoreItem> Changes(string key, string? etag) => new() { [key] = new StoreItem("""{"step":1}""", etag) };

    /// <summary>A database file in a fresh folder, made by <paramref name="sql"/> (an earlier build's layout).</summary>
    private static string FileWith(string folder, string sql)
    {
        var path = Path.Combine(TempFolder.Create(folder), "earlier.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return path;
    }
}
