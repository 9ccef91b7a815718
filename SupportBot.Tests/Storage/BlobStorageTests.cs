using System.Diagnostics;
using SupportBot.Dialogs.State;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Storage;

/// <summary>What only the Blob store has to get right, against a real Azurite: names, sizes, races, partial batches.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobStorageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Racing_creates_and_racing_updates_each_have_exactly_one_winner()
    {
        var storage = new BlobStorage(await azurite.Server.NewContainerAsync());
        const int writers = 16;

        var creates = await Race(writers, i => storage.WriteAsync(Changes(("webchat/conversations/race", $$"""{"writer":{{i}}}""", null)), default));
        var etag = (await storage.ReadAsync(["webchat/conversations/race"], default))["webchat/conversations/race"].ETag;
        var updates = await Race(writers, i => storage.WriteAsync(Changes(("webchat/conversations/race", $$"""{"update":{{i}}}""", etag)), default));

        Assert.Equal((1, writers - 1), creates);
        Assert.Equal((1, writers - 1), updates);
        Assert.Contains("\"update\":", (await storage.ReadAsync(["webchat/conversations/race"], default))["webchat/conversations/race"].Json);
    }

    [Fact]
    public async Task Odd_keys_are_stored_apart_and_read_back_exactly()
    {
        var container = await azurite.Server.NewContainerAsync();
        var storage = new BlobStorage(container);
        var longKey = "msteams/conversations/" + new string('a', 2000);
        string[] keys =
        [
            "msteams/conversations/a:1Xyz;messageid=1619811311234",
            "webchat/users/Zoë 🙂 Łukasz",
            "a/../../b", "a/./b", "a//b", "a/b/", ".", "..", "%2F", "a?b#c", "~41", "A",
            longKey, longKey + "b", // differ only after the part of the name kept readable
        ];

        await storage.WriteAsync(keys.Select((k, i) => (k, $$"""{"i":{{i}}}""", (string?)null)).ToDictionary(c => c.k, c => new StoreItem(c.Item2, c.Item3)), default);
        var read = await storage.ReadAsync(keys, default);

        Assert.Equal(keys.Select((_, i) => $$"""{"i":{{i}}}"""), keys.Select(k => read[k].Json));
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }
        Assert.Equal(keys.Length, names.Count);
        Assert.All(names, n => Assert.True(n.Length <= BlobNames.MaxSegment && !n.Contains('/') && !n.Contains('.'), n));
    }

    [Fact]
    public async Task A_large_value_round_trips()
    {
        var storage = new BlobStorage(await azurite.Server.NewContainerAsync());
        var json = $$"""{"transcript":"{{string.Concat(Enumerable.Range(0, 200_000).Select(i => (char)('a' + i % 26)))}}{{new string('é', 1_000_000)}}"}""";

        var etags = await storage.WriteAsync(Changes(("big", json, null)), default);
        var read = await storage.ReadAsync(["big"], default);

        Assert.Equal(json, read["big"].Json);
        Assert.Equal(etags["big"], read["big"].ETag);
    }

    [Fact]
    public async Task When_the_later_key_of_a_batch_conflicts_the_earlier_one_is_put_back()
    {
        var storage = new BlobStorage(await azurite.Server.NewContainerAsync());
        var first = await storage.WriteAsync(Changes(("webchat/conversations/c", """{"step":1}""", null), ("webchat/users/u", """{"visits":1}""", null)), default);
        // Another conversation of the same customer stores the user in between.
        await storage.WriteAsync(Changes(("webchat/users/u", """{"visits":2}""", first["webchat/users/u"])), default);

        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(
            Changes(("webchat/conversations/c", """{"step":2}""", first["webchat/conversations/c"]), ("webchat/users/u", """{"visits":9}""", first["webchat/users/u"])), default));
        // A batch that created its first key and conflicted later leaves no trace of it either.
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.WriteAsync(
            Changes(("webchat/conversations/new", """{"step":1}""", null), ("webchat/users/u", "{}", null)), default));

        var read = await storage.ReadAsync(["webchat/conversations/c", "webchat/users/u", "webchat/conversations/new"], default);
        Assert.Equal("webchat/users/u", conflict.Key);
        Assert.Equal("""{"step":1}""", read["webchat/conversations/c"].Json);
        Assert.Equal("""{"visits":2}""", read["webchat/users/u"].Json);
        Assert.False(read.ContainsKey("webchat/conversations/new"));
    }

    [Fact]
    public async Task An_unreachable_account_is_a_storage_outage_within_seconds()
    {
        await using var server = await AzuriteServer.StartAsync();
        var storage = new BlobStorage(await server.NewContainerAsync());
        await storage.WriteAsync(Changes(("k", "{}", null)), default);
        await server.StopAsync();

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["k"], default));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(Changes(("k", "{}", "*")), default));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    private static async Task<(int Won, int Conflicted)> Race(int writers, Func<int, Task> write)
    {
        var start = new TaskCompletionSource();
        var results = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await write(i);
                return true;
            }
            catch (StorageConflictException)
            {
                return false;
            }
        })).ToList();
        start.SetResult();
        var won = (await Task.WhenAll(results)).Count(w => w);
        return (won, writers - won);
    }

    private static Dictionary<string, StoreItem> Changes(params (string Key, string Json, string? ETag)[] items) =>
        items.ToDictionary(i => i.Key, i => new StoreItem(i.Json, i.ETag));
}
