using SupportBot.Dialogs.State;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.State;

/// <summary>What the SQLite store remembers of state rows between turns, and what its writer does after a commit.</summary>
public sealed class RecentStateTests
{
    [Fact]
    public void A_read_of_the_file_that_overlapped_a_forgotten_row_is_not_remembered()
    {
        var recent = new RecentState();
        var before = recent.Changes; // a read of the file starts here and finds version 1
        recent.Forget("k"); // meanwhile a conflict or a delete makes the row out of date

        recent.Read("k", new StoreItem("""{"v":1}""", "e1"), before);

        Assert.False(recent.TryGet("k", out _));
        recent.Read("k", new StoreItem("""{"v":2}""", "e2"), recent.Changes);
        Assert.True(recent.TryGet("k", out var remembered));
        Assert.Equal("e2", remembered.ETag);
    }

    [Fact]
    public async Task A_bulk_read_answers_every_key_and_leaves_the_rows_turns_use_remembered()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("recent"), "t.db"));
        var storage = new SqliteStorage(database);
        var keys = Enumerable.Range(0, 3 * RecentState.GenerationSize).Select(i => $"bulk{i}").ToList();
        await storage.WriteAsync(keys.ToDictionary(k => k, k => new StoreItem($$"""{"key":"{{k}}"}""", null)), default);
        var hot = await storage.WriteAsync(new Dictionary<string, StoreItem> { ["hot"] = new("""{"n":1}""", null) }, default);

        var read = await storage.ReadAsync(keys, default);

        Assert.Equal(keys.Count, read.Count);
        Assert.Equal("""{"key":"bulk5000"}""", read["bulk5000"].Json);
        Assert.True(database.RecentState.TryGet("hot", out var remembered));
        Assert.Equal(hot["hot"], remembered.ETag);
    }

    [Fact]
    public async Task An_after_commit_action_that_throws_fails_no_write_and_the_database_forgets_what_it_remembered()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("recent"), "t.db"));
        var storage = new SqliteStorage(database);
        await storage.WriteAsync(new Dictionary<string, StoreItem> { ["k"] = new("""{"n":1}""", null) }, default);
        Assert.True(database.RecentState.TryGet("k", out _));

        var throwing = database.WriteAsync((_, _) =>
        {
            database.AfterCommit(() => throw new InvalidOperationException("broken follow-up"));
            return 1;
        });
        var next = storage.WriteAsync(new Dictionary<string, StoreItem> { ["k2"] = new("""{"n":2}""", null) }, default);

        Assert.Equal(1, await throwing);
        Assert.Single(await next);
        Assert.False(database.RecentState.TryGet("k", out _));
        Assert.Equal("""{"n":2}""", (await storage.ReadAsync(["k2"], default))["k2"].Json);
    }

    [Fact]
    public async Task Every_follow_up_of_a_batch_runs_before_any_of_its_writes_is_reported_committed()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("recent"), "t.db"));
        using var followUpRunning = new ManualResetEventSlim();
        using var releaseFollowUp = new ManualResetEventSlim();
        using var held = HoldWriter(database);
        // Both queue while the writer is held, so they are committed together in the next batch.
        var first = database.WriteAsync((_, _) => 1);
        var second = database.WriteAsync((_, _) =>
        {
            database.AfterCommit(() =>
            {
                followUpRunning.Set();
                releaseFollowUp.Wait(TimeSpan.FromSeconds(30));
            });
            return 2;
        });
        await held.ReleaseAsync();

        Assert.True(followUpRunning.Wait(TimeSpan.FromSeconds(30)));
        await Task.Delay(100);
        Assert.False(first.IsCompleted); // committed, but not reported before the second write's follow-up is done
        releaseFollowUp.Set();
        Assert.Equal(1, await first);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task After_commit_is_refused_outside_a_write_of_its_own_database()
    {
        await using var database = new SqliteDatabase(Path.Combine(TempFolder.Create("recent"), "a.db"));
        await using var other = new SqliteDatabase(Path.Combine(TempFolder.Create("recent"), "b.db"));

        Assert.Throws<InvalidOperationException>(() => database.AfterCommit(() => { }));
        var inOther = other.WriteAsync((_, _) => Record.Exception(() => database.AfterCommit(() => { })));
        Assert.IsType<InvalidOperationException>(await inOther);

        // Another thread, while one of this database's writes is running on the writer, is refused too.
        using var held = HoldWriter(database);
        var fromElsewhere = await Task.Run(() => Record.Exception(() => database.AfterCommit(() => { })));
        await held.ReleaseAsync();
        Assert.IsType<InvalidOperationException>(fromElsewhere);
    }

    /// <summary>A write that keeps the writer busy until released, so what is queued meanwhile commits in one batch.</summary>
    private static HeldWriter HoldWriter(SqliteDatabase database)
    {
        var held = new HeldWriter();
        held.Write = database.WriteAsync((_, _) =>
        {
            held.Running.Set();
            held.Release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        });
        Assert.True(held.Running.Wait(TimeSpan.FromSeconds(30)));
        return held;
    }

    private sealed class HeldWriter : IDisposable
    {
        public ManualResetEventSlim Running { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public Task<int> Write { get; set; } = Task.FromResult(0);

        public async Task ReleaseAsync()
        {
            Release.Set();
            await Write;
        }

        public void Dispose()
        {
            Release.Set();
            Running.Dispose();
        }
    }
}
