using SupportBot.Dialogs.State;
using SupportBot.Storage;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.State;

/// <summary>Every store keeps the same promises: ETag-checked writes, all-or-nothing batches. Blob runs against a
/// real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageContractTests(AzuriteFixture azurite)
{
    public static TheoryData<string> Stores => ["memory", "sqlite", "blob"];

    private async Task<IStorage> CreateAsync(string kind) => kind switch
    {
        "memory" => new MemoryStorage(),
        "blob" => new BlobStorage(await azurite.Server.NewContainerAsync()),
        _ => new SqliteStorage(new SqliteDatabase(Path.Combine(TempFolder.Create("storage"), "test.db"))),
    };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_write_with_the_etag_it_read_succeeds_and_a_stale_one_conflicts(string kind)
    {
        var storage = await CreateAsync(kind);
        var created = await storage.WriteAsync(Changes(("k", """{"n":1}""", null)), default);

        var updated = await storage.WriteAsync(Changes(("k", """{"n":2}""", created["k"])), default);
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(Changes(("k", """{"n":3}""", created["k"])), default));

        Assert.Equal("k", stale.Key);
        Assert.NotEqual(created["k"], updated["k"]);
        var read = await storage.ReadAsync(["k"], default);
        Assert.Equal(("""{"n":2}""", updated["k"]), (read["k"].Json, read["k"].ETag));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Creating_an_existing_key_conflicts(string kind)
    {
        var storage = await CreateAsync(kind);
        await storage.WriteAsync(Changes(("k", "{}", null)), default);

        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(Changes(("k", "{}", null)), default));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_batch_with_one_conflict_writes_nothing(string kind)
    {
        var storage = await CreateAsync(kind);
        var first = await storage.WriteAsync(Changes(("a", """{"v":"a1"}""", null), ("b", """{"v":"b1"}""", null)), default);

        await Assert.ThrowsAsync<StorageConflictException>(() =>
            storage.WriteAsync(Changes(("a", """{"v":"a2"}""", first["a"]), ("b", """{"v":"b2"}""", "stale")), default));

        var read = await storage.ReadAsync(["a", "b"], default);
        Assert.Equal(("""{"v":"a1"}""", """{"v":"b1"}"""), (read["a"].Json, read["b"].Json));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Missing_keys_are_absent_and_deleted_keys_are_gone(string kind)
    {
        var storage = await CreateAsync(kind);
        await storage.WriteAsync(Changes(("k", "{}", "*")), default);

        await storage.DeleteAsync(["k"], default);

        Assert.Empty(await storage.ReadAsync(["k", "never"], default));
    }

    [Fact]
    public async Task Sqlite_state_survives_reopening_the_file()
    {
        var path = Path.Combine(TempFolder.Create("storage"), "test.db");
        await new SqliteStorage(new SqliteDatabase(path)).WriteAsync(Changes(("webchat/conversations/c1", """{"step":2}""", null)), default);

        var read = await new SqliteStorage(new SqliteDatabase(path)).ReadAsync(["webchat/conversations/c1"], default);

        Assert.Equal("""{"step":2}""", read["webchat/conversations/c1"].Json);
    }

    [Fact]
    public async Task Sqlite_state_remembered_in_memory_gives_way_to_what_another_writer_committed()
    {
        var path = Path.Combine(TempFolder.Create("storage"), "test.db");
        var mine = new SqliteStorage(new SqliteDatabase(path));
        var other = new SqliteStorage(new SqliteDatabase(path));
        var created = await mine.WriteAsync(Changes(("k", """{"n":1}""", null)), default);
        await other.WriteAsync(Changes(("k", """{"n":2}""", created["k"])), default);

        // What this process remembers is stale, but a write on it cannot win: the file's ETag decides.
        var remembered = await mine.ReadAsync(["k"], default);
        await Assert.ThrowsAsync<StorageConflictException>(() => mine.WriteAsync(Changes(("k", """{"n":3}""", remembered["k"].ETag)), default));

        Assert.Equal("""{"n":2}""", (await mine.ReadAsync(["k"], default))["k"].Json);
    }

    [Fact]
    public async Task Sqlite_state_reads_stay_right_for_more_keys_than_are_remembered()
    {
        var storage = new SqliteStorage(new SqliteDatabase(Path.Combine(TempFolder.Create("storage"), "test.db")));
        var keys = Enumerable.Range(0, 3 * RecentState.GenerationSize).Select(i => $"k{i}").ToList();
        var etags = await storage.WriteAsync(Changes(keys.Select(k => (k, $$"""{"key":"{{k}}"}""", (string?)null)).ToArray()), default);
        var updated = await storage.WriteAsync(Changes(("k0", """{"key":"k0","n":2}""", etags["k0"])), default);

        var read = await storage.ReadAsync(keys, default);

        Assert.All(keys.Skip(1), k => Assert.Equal((etags[k], $$"""{"key":"{{k}}"}"""), (read[k].ETag, read[k].Json)));
        Assert.Equal(updated["k0"], read["k0"].ETag);
    }

    private static Dictionary<string, StoreItem> Changes(params (string Key, string Json, string? ETag)[] items) =>
        items.ToDictionary(i => i.Key, i => new StoreItem(i.Json, i.ETag));
}
