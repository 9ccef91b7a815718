using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Storage;
using SupportBot.Storage.Blob;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class BlobTranscriptStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Activities_are_stored_once_each_in_the_bot_framework_layout()
    {
        var container = await azurite.Server.NewContainerAsync();
        var store = new BlobTranscriptStore(container, await azurite.Server.NewContainerAsync(), new TranscriptFeed());
        var message = Activities.Message("hello", "a:1x;messageid=7", channelId: "msteams");
        var first = new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero);
        message.Timestamp = first;

        await store.LogActivitiesAsync([message], default);
        await store.LogActivitiesAsync([message], default); // a turn re-run logs its incoming activity again
        message.Timestamp = message.Timestamp.Value.AddSeconds(1);
        await store.LogActivitiesAsync([message], default); // stamped again as it is stored, as the transcript middleware does

        Assert.Equal([$"msteams/a~3A1x~3Bmessageid~3D7/{first.UtcTicks:x16}-{message.Id}.json"], await ListAsync(container));
    }

    [Fact]
    public async Task A_transcript_reads_page_by_page_in_the_order_it_was_sent()
    {
        var store = new BlobTranscriptStore(await azurite.Server.NewContainerAsync(), await azurite.Server.NewContainerAsync(), new TranscriptFeed());
        var sent = Enumerable.Range(0, 23).Select(i => Activities.Message($"m{i}", "paged", channelId: "webchat")).ToList();
        var sameInstant = DateTimeOffset.UtcNow;
        sent.ForEach(a => a.Timestamp = sameInstant); // replies sent together can share a timestamp
        await store.LogActivitiesAsync(sent, default);
        await store.LogActivitiesAsync([Activities.Message("elsewhere", "other", channelId: "webchat")], default);

        var pages = new List<int>();
        var read = new List<string?>();
        string? token = null;
        do
        {
            var page = await store.GetTranscriptPageAsync("webchat", "paged", token, 10, default);
            pages.Add(page.Activities.Count);
            read.AddRange(page.Activities.Select(a => a.Text));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal([10, 10, 3], pages);
        Assert.Equal(sent.Select(a => a.Text), read);
    }

    [Fact]
    public async Task The_direct_line_feed_continues_after_its_watermark_and_shows_only_web_chat_channels()
    {
        var feed = new TranscriptFeed();
        var store = new BlobTranscriptStore(await azurite.Server.NewContainerAsync(), await azurite.Server.NewContainerAsync(), feed);
        using var subscription = feed.Subscribe("dl-1");
        await store.LogActivitiesAsync([Activities.Message("one", "dl-1", channelId: "webchat"), Activities.Message("two", "dl-1", channelId: "webchat")], default);
        await store.LogActivitiesAsync([Activities.Message("teams, same id", "dl-1", channelId: "msteams")], default);

        var first = await store.GetActivitiesAsync("dl-1", "", 1, default);
        var rest = await store.GetActivitiesAsync("dl-1", first[^1].Watermark, 100, default);
        await store.LogActivitiesAsync([Activities.Message("three", "dl-1", channelId: "directline")], default);
        var latest = await store.GetActivitiesAsync("dl-1", rest[^1].Watermark, 100, default);

        Assert.Equal(["one", "two", "three"], first.Concat(rest).Concat(latest).Select(e => e.Activity.Text));
        Assert.True(store.IsWatermark(latest[^1].Watermark));
        Assert.False(store.IsWatermark("17"));
        Assert.False(store.IsWatermark("../x"));
        Assert.True(subscription.Reader.TryRead(out _), "the store woke the feed");
    }

    [Fact]
    public async Task An_activity_stored_with_a_name_before_one_already_sent_is_sent_late_not_never()
    {
        var store = new BlobTranscriptStore(await azurite.Server.NewContainerAsync(), await azurite.Server.NewContainerAsync(), new TranscriptFeed());
        var now = DateTimeOffset.UtcNow;
        Activity At(string text, TimeSpan offset)
        {
            var activity = Activities.Message(text, "dl-2", channelId: "webchat");
            activity.Timestamp = now + offset;
            return activity;
        }
        await store.LogActivitiesAsync([At("customer", TimeSpan.Zero)], default);
        var first = await store.GetActivitiesAsync("dl-2", "", 100, default);

        // Another instance, its clock 300 ms behind, stores the agent's reply; then this one stores the next message.
        await store.LogActivitiesAsync([At("agent, from a slow clock", TimeSpan.FromMilliseconds(-300))], default);
        var late = await store.GetActivitiesAsync("dl-2", first[^1].Watermark, 100, default);
        await store.LogActivitiesAsync([At("customer again", TimeSpan.FromSeconds(1))], default);
        var next = await store.GetActivitiesAsync("dl-2", late[^1].Watermark, 100, default);
        var after = await store.GetActivitiesAsync("dl-2", next[^1].Watermark, 100, default);

        Assert.Equal(["customer"], first.Select(e => e.Activity.Text));
        Assert.Equal(["agent, from a slow clock"], late.Select(e => e.Activity.Text));
        Assert.Equal(["customer again"], next.Select(e => e.Activity.Text));
        Assert.Empty(after);
        Assert.All(first.Concat(late).Concat(next), e => Assert.True(store.IsWatermark(e.Watermark), e.Watermark));
    }

    [Fact]
    public async Task The_conversations_of_a_period_are_found_by_their_start_markers_each_once_where_it_began()
    {
        var (transcripts, starts) = (await azurite.Server.NewContainerAsync(), await azurite.Server.NewContainerAsync());
        var store = new BlobTranscriptStore(transcripts, starts, new TranscriptFeed());
        Assert.Empty(await store.ConversationsStartedAsync(DateTimeOffset.MinValue, DateTimeOffset.UtcNow, default)); // a new deployment: no pass over the container later
        var lateNight = new DateTimeOffset(2026, 11, 2, 23, 59, 0, TimeSpan.Zero);
        await LogAsync(store, "before", lateNight.AddDays(-1));
        await LogAsync(store, "late-night", lateNight);
        await LogAsync(store, "next-day", lateNight.AddHours(2));
        await LogAsync(store, "after", lateNight.AddDays(3));
        // Another instance (or this one restarted) stores later activities: "late-night" past midnight, and an earlier
        // one of "next-day", its clock behind, which moves that conversation's start back.
        var other = new BlobTranscriptStore(transcripts, starts, new TranscriptFeed());
        await LogAsync(other, "late-night", lateNight.AddMinutes(30));
        await LogAsync(other, "next-day", lateNight.AddHours(1));

        var twoDays = await store.ConversationsStartedAsync(new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), default);
        var thirdDay = await store.ConversationsStartedAsync(new(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), default);
        var fromOneOClock = await store.ConversationsStartedAsync(new(2026, 11, 3, 1, 0, 0, TimeSpan.Zero), new(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), default);

        Assert.Equal(["late-night", "next-day"], twoDays.Select(c => c.ConversationId));
        Assert.Equal([2, 2], twoDays.Select(c => c.Activities.Count));
        Assert.Equal("webchat", twoDays[0].ChannelId);
        Assert.Equal(["next-day"], thirdDay.Select(c => c.ConversationId));
        Assert.Empty(fromOneOClock);
    }

    [Fact]
    public async Task A_start_marker_that_cannot_be_stored_stores_no_transcript_so_the_conversation_is_counted_where_it_began()
    {
        var transcripts = await azurite.Server.NewContainerAsync();
        var starts = transcripts.GetParentBlobServiceClient().GetBlobContainerClient($"starts-{Guid.NewGuid():N}"); // not there yet: an outage
        var store = new BlobTranscriptStore(transcripts, starts, new TranscriptFeed());
        var lateNight = new DateTimeOffset(2026, 11, 2, 23, 59, 0, TimeSpan.Zero);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => LogAsync(store, "outage", lateNight));
        var afterOutage = await ListAsync(transcripts);
        await starts.CreateAsync();
        await LogAsync(store, "outage", lateNight.AddMinutes(2)); // the customer tries again after midnight
        var nextDay = await store.ConversationsStartedAsync(new(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), new(2026, 11, 4, 0, 0, 0, TimeSpan.Zero), default);

        Assert.Empty(afterOutage);
        Assert.Equal(["outage"], nextDay.Select(c => c.ConversationId));
    }

    private static async Task<List<string>> ListAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }
        return names;
    }

    [Fact]
    public async Task Conversations_stored_before_start_markers_are_found_after_one_pass_over_the_container()
    {
        var (transcripts, starts) = (await azurite.Server.NewContainerAsync(), await azurite.Server.NewContainerAsync());
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        var earlier = new BlobTranscriptStore(transcripts, starts, new TranscriptFeed());
        await LogAsync(earlier, "old-1", at);
        await LogAsync(earlier, "old-2", at.AddHours(1));
        await foreach (var marker in starts.GetBlobsAsync())
        {
            await starts.DeleteBlobAsync(marker.Name); // as a build without markers left them
        }
        var day = (From: new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero), To: new DateTimeOffset(at.UtcDateTime.Date.AddDays(1), TimeSpan.Zero));

        var found = await new BlobTranscriptStore(transcripts, starts, new TranscriptFeed()).ConversationsStartedAsync(day.From, day.To, default);
        // Stored behind the stores' backs once the pass is done: found only by a pass, which does not run again.
        await transcripts.UploadBlobAsync($"webchat/unmarked/{at.UtcTicks:x16}-1.json", BinaryData.FromString(BotJson.Serialize(Activities.Message("x", "unmarked"))));
        var again = await new BlobTranscriptStore(transcripts, starts, new TranscriptFeed()).ConversationsStartedAsync(day.From, day.To, default);

        Assert.Equal(["old-1", "old-2"], found.Select(c => c.ConversationId));
        Assert.Equal(["old-1", "old-2"], again.Select(c => c.ConversationId));
    }

    private static Task LogAsync(BlobTranscriptStore store, string conversation, DateTimeOffset at)
    {
        var activity = Activities.Message("hi", conversation, channelId: "webchat");
        activity.Timestamp = at;
        return store.LogActivitiesAsync([activity], default);
    }
}
