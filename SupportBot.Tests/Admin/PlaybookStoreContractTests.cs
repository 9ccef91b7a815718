using SupportBot.Admin.Drafts;
using SupportBot.Admin.Versions;
using SupportBot.Playbooks;
using SupportBot.Storage;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>The draft and version stores keep the same promises on SQLite and on Blob (a real Azurite): a save must
/// name the latest revision, and publishes racing each other all get numbers of their own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PlaybookStoreContractTests(AzuriteFixture azurite)
{
    private static readonly Lazy<PlaybookHost> Live = new(() => PlaybookHost.Start(null, TempFolder.Create("supportbot-models")));

    public static TheoryData<string> Stores => ["sqlite", "blob"];

    private async Task<(IPlaybookDrafts Drafts, IPlaybookVersions Versions)> CreateAsync(string kind)
    {
        if (kind == "blob")
        {
            var suffix = Guid.NewGuid().ToString("N")[..12];
            var containers = new BlobContainers(new BlobStorageOptions
            {
                ConnectionString = azurite.Server.ConnectionString, StateContainer = "state-" + suffix, TranscriptContainer = "transcripts-" + suffix,
            }.Validate());
            await containers.StartAsync(default);
            return (new BlobPlaybookDrafts(containers, Live.Value, TimeProvider.System), new BlobPlaybookVersions(containers, TimeProvider.System));
        }
        var database = new SqliteDatabase(Path.Combine(TempFolder.Create("playbook-store"), "test.db"));
        return (new SqlitePlaybookDrafts(database, Live.Value, TimeProvider.System), new SqlitePlaybookVersions(database, TimeProvider.System));
    }

    private static string Shown(IReadOnlyList<PlaybookChange> changes) => System.Text.Json.JsonSerializer.Serialize(changes);

    private static string WithGreeting(string greeting) => PlaybookDocument.Default().Set("messages.greeting", greeting).ToJsonString();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Of_saves_racing_on_one_revision_exactly_one_is_kept_and_a_stale_revision_is_refused(string kind)
    {
        var (drafts, _) = await CreateAsync(kind);
        var start = await drafts.GetAsync(default);
        Assert.Equal((0L, Live.Value.CurrentJson), (start.Revision, start.Json));

        var saves = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => drafts.SaveAsync(WithGreeting($"Hello {i}, {{name}}!"), 0, $"admin{i}")));

        var saved = Assert.Single(saves, s => s is not null)!;
        var now = await drafts.GetAsync(default);
        Assert.Equal((1L, "\"1\"", saved.Json, saved.SavedBy), (now.Revision, now.ETag, now.Json, now.SavedBy));
        Assert.Null(await drafts.SaveAsync(WithGreeting("Too late, {name}."), 0, "late"));
        Assert.NotNull(await drafts.SaveAsync(WithGreeting("In time, {name}."), 1, "next"));
        Assert.Equal(2, (await drafts.GetAsync(default)).Revision);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Publishes_racing_each_other_get_distinct_numbers_each_with_its_changes_against_the_one_before(string kind)
    {
        var (_, versions) = await CreateAsync(kind);
        Assert.Null(await versions.LatestAsync(default));

        var published = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => versions.AddAsync(WithGreeting($"Greeting {i}, {{name}}."), $"admin{i}", $"note {i}", Live.Value.CurrentJson)));

        Assert.Equal([2, 3, 4, 5, 6], published.Select(v => v.Number).Order());
        var all = await versions.ListAsync(default);
        Assert.Equal([6, 5, 4, 3, 2, 1], all.Select(v => v.Number));
        Assert.Equal(("system", Live.Value.CurrentJson), (all[^1].PublishedBy, all[^1].Json));
        foreach (var version in all.SkipLast(1))
        {
            var before = all.Single(v => v.Number == version.Number - 1);
            Assert.Equal(Shown(PlaybookDiff.Between(before.Json, version.Json)), Shown(version.Changes));
            Assert.Equal(published.Single(p => p.Number == version.Number).Json, version.Json);
        }
        Assert.Equal(6, (await versions.LatestAsync(default))!.Number);
        Assert.Null(await versions.GetAsync(7, default));
    }

    [Fact]
    public async Task On_blob_the_live_pointer_reports_a_change_once_per_publish()
    {
        var (_, store) = await CreateAsync("blob");
        var versions = (BlobPlaybookVersions)store;
        Assert.Null(await versions.LiveChangedSinceAsync(null, default));

        await versions.AddAsync(WithGreeting("First, {name}."), "ada", "one", Live.Value.CurrentJson);
        var first = await versions.LiveChangedSinceAsync(null, default);
        Assert.NotNull(first);
        Assert.Null(await versions.LiveChangedSinceAsync(first, default));

        await versions.AddAsync(WithGreeting("Second, {name}."), "ada", "two", Live.Value.CurrentJson);
        Assert.NotEqual(first, await versions.LiveChangedSinceAsync(first, default));
    }
}
