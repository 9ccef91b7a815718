using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Storage.Blob;

/// <summary>One page of a stored transcript and the token that reads the next (null after the last page).</summary>
public sealed record TranscriptPage(IReadOnlyList<Activity> Activities, string? ContinuationToken);

/// <summary>Every activity in and out of every conversation in Azure Blob Storage, in the Bot Framework transcript
/// layout: <c>{channelId}/{conversationId}/{ticks hex}-{activityId}.json</c>, each blob written once (If-None-Match *),
/// and an activity this instance stored, or read with its conversation, is not stored again when a turn re-run or a
/// redelivery logs it with a new time. Blob listings are in name order, and the ticks (16 hex digits) put names in time
/// order, so a blob name is also this store's Direct Line watermark. Each conversation also gets a start marker in
/// <paramref name="starts"/> (outside the transcript layout, whose readers take every top-level folder for a channel):
/// <c>started/{yyyy-MM-dd}/{ticks hex}/{channelId}/{conversationId}</c>, so the conversations of a period are found by
/// listing its days instead of the whole container.</summary>
public sealed partial class BlobTranscriptStore(BlobContainerClient container, BlobContainerClient starts, TranscriptFeed feed) : ITranscriptStore
{
    private static readonly string[] WebChatChannels = [ChannelIds.WebChat, ChannelIds.DirectLine];
    private const string StartsFolder = "started/";
    private const string BackfilledName = StartsFolder + "backfilled"; // written once every earlier conversation has its marker
    private const int KnownLimit = 50_000;

    private readonly KnownNames _marked = new(KnownLimit); // conversations whose marker and transcript this instance stored
    // Activities this instance stored or read with their conversation, as {prefix}{id}. Logged again (a turn re-run after
    // a conflict, a redelivery) an activity carries a new time, so it would get a new name: If-None-Match cannot see it.
    private readonly KnownNames _logged = new(KnownLimit);
    private volatile bool _backfilled;

    public async Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var blobs = new List<(Activity Activity, string Prefix, string Leaf)>(activities.Count);
        var firsts = new Dictionary<string, long>(StringComparer.Ordinal); // each conversation's first name in this write
        var previousTicks = 0L;
        foreach (var activity in activities)
        {
            activity.Id ??= Activity.NewId();
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            var conversation = activity.Conversation?.Id ?? throw new ArgumentException("An activity without conversation.id cannot be stored.");
            var prefix = Prefix(activity.ChannelId ?? "", conversation);
            if (_logged.Contains(prefix + activity.Id))
            {
                continue;
            }
            // Replies sent in one go may share a timestamp; their names must still keep the order they were sent in.
            var ticks = Math.Max(activity.Timestamp.Value.UtcTicks, previousTicks + 1);
            previousTicks = ticks;
            firsts.TryAdd(prefix, ticks);
            blobs.Add((activity, prefix, Leaf(ticks, activity.Id)));
        }
        // Markers first: a failure after them leaves a marker without a transcript, which a report skips; a failure
        // between the transcript and its marker would leave a conversation no report finds.
        foreach (var (prefix, ticks) in firsts)
        {
            await MarkStartAsync(prefix, ticks, cancellationToken);
        }
        var stored = new List<TranscriptEntry>(blobs.Count);
        foreach (var (activity, prefix, leaf) in blobs)
        {
            // One at a time, in order: a Direct Line reader never sees a later reply before an earlier one is stored.
            if (await WriteOnceAsync(container, prefix + leaf + ".json", BotJson.Serialize(activity), cancellationToken))
            {
                stored.Add(new TranscriptEntry(leaf, activity));
            }
            _logged.Add(prefix + activity.Id);
        }
        foreach (var prefix in firsts.Keys)
        {
            _marked.Add(prefix); // no marker again for it here
        }
        // Only after the writes: a stream never shows what is not stored.
        foreach (var conversation in stored.Select(e => e.Activity.Conversation!.Id!).Distinct())
        {
            feed.Publish(conversation);
        }
    }

    /// <summary>Reads a conversation's transcript a page at a time, oldest first; pass the token of the page before.</summary>
    public async Task<TranscriptPage> GetTranscriptPageAsync(string channelId, string conversationId, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        var (entries, next) = await ReadPageAsync(Prefix(channelId, conversationId), continuationToken, pageSize, cancellationToken);
        return new TranscriptPage(entries.Select(e => e.Activity).ToList(), next);
    }

    public async Task<IReadOnlyList<TranscriptEntry>> GetConversationAsync(string channelId, string conversationId, CancellationToken cancellationToken)
    {
        var prefix = Prefix(channelId, conversationId);
        var entries = await ReadAllAsync(prefix, cancellationToken);
        // A redelivery reads its conversation first: what an instance that has restarted, or another one, then logs
        // again is skipped like its own repeats. (Not on bulk reads: a report would crowd out this instance's own.)
        foreach (var entry in entries)
        {
            _logged.Add(prefix + entry.Activity.Id);
        }
        return entries;
    }

    private async Task<IReadOnlyList<TranscriptEntry>> ReadAllAsync(string prefix, CancellationToken cancellationToken)
    {
        var all = new List<TranscriptEntry>();
        string? token = null;
        do
        {
            var (entries, next) = await ReadPageAsync(prefix, token, 100, cancellationToken);
            all.AddRange(entries);
            token = next;
        }
        while (token is not null);
        return all;
    }

    private async Task<(List<TranscriptEntry> Entries, string? ContinuationToken)> ReadPageAsync(string prefix, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        try
        {
            var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken)
                .AsPages(string.IsNullOrEmpty(continuationToken) ? null : continuationToken, pageSize);
            await foreach (var page in pages)
            {
                var activities = await Task.WhenAll(page.Values.Select(b => DownloadAsync(b.Name, cancellationToken)));
                var entries = page.Values.Select((b, i) => new TranscriptEntry(b.Name[prefix.Length..^".json".Length], activities[i])).ToList();
                return (entries, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }
            return ([], null);
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading the transcript '{prefix}' from blob container '{container.Name}'", e);
        }
    }

    /// <summary>A blob's name is chosen from its writer's clock before it is stored, so an activity can appear with a
    /// name before one already sent (another instance's clock a little behind, or a slower upload). So the watermark is
    /// the last name sent plus a short hash of every name sent from the <see cref="Lookback"/> before it: anything
    /// in that window not among them is sent late rather than never.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromSeconds(10);

    public bool IsWatermark(string watermark) => watermark.Length == 0 || WatermarkPattern().IsMatch(watermark);

    public async Task<IReadOnlyList<TranscriptEntry>> GetActivitiesAsync(string conversationId, string watermark, int limit, CancellationToken cancellationToken)
    {
        try
        {
            var parts = watermark.Split('.');
            var last = parts[0];
            var sentBefore = parts.Skip(1).ToHashSet(StringComparer.Ordinal);
            // A Direct Line conversation is under 'webchat' or 'directline' (what its client said it is); both are read.
            var listed = new List<(string Leaf, string Name)>();
            foreach (var channel in WebChatChannels)
            {
                var prefix = Prefix(channel, conversationId);
                await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
                {
                    listed.Add((blob.Name[prefix.Length..^".json".Length], blob.Name));
                }
            }
            listed.Sort((a, b) => string.CompareOrdinal(a.Leaf, b.Leaf));
            bool Sent(string leaf) => string.CompareOrdinal(leaf, last) switch
            {
                0 => true,
                < 0 => TicksOf(leaf) < TicksOf(last) - Lookback.Ticks || sentBefore.Contains(Hash(leaf)),
                _ => false,
            };
            var next = listed.Where(n => !Sent(n.Leaf)).Take(limit).ToList();
            var activities = await Task.WhenAll(next.Select(n => DownloadAsync(n.Name, cancellationToken)));

            // Each entry's watermark covers it and everything before it in the answer.
            var entries = new List<TranscriptEntry>(next.Count);
            var delivered = new HashSet<string>(StringComparer.Ordinal);
            var newest = last;
            for (var i = 0; i < next.Count; i++)
            {
                delivered.Add(next[i].Leaf);
                if (string.CompareOrdinal(next[i].Leaf, newest) > 0)
                {
                    newest = next[i].Leaf;
                }
                var window = listed.Where(n => string.CompareOrdinal(n.Leaf, newest) <= 0 && TicksOf(n.Leaf) >= TicksOf(newest) - Lookback.Ticks
                    && (delivered.Contains(n.Leaf) || Sent(n.Leaf)));
                entries.Add(new TranscriptEntry(string.Join('.', window.Select(n => n.Leaf == newest ? null : Hash(n.Leaf)).Where(h => h is not null).Prepend(newest)), activities[i]));
            }
            return entries;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading the transcript of '{conversationId}' from blob container '{container.Name}'", e);
        }
    }

    private static long TicksOf(string leaf) => leaf.Length == 0 ? 0 : long.Parse(leaf.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Eight hex digits: enough to tell apart the few names of one conversation's last seconds.</summary>
    private static string Hash(string leaf) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(leaf)), 0, 4);

    /// <summary>Lists the start markers of the period's days, then reads the conversations that started in it.</summary>
    public async Task<IReadOnlyList<StoredConversation>> ConversationsStartedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        try
        {
            await BackfillStartsAsync(cancellationToken);
            // Day by day from the earliest marker (names sort by day; "backfilled" after every day) to tomorrow at most.
            var earliest = await FirstNameAsync(starts, StartsFolder, cancellationToken) is { } name
                && DateTime.TryParseExact(name.AsSpan(StartsFolder.Length, Math.Min(10, name.Length - StartsFolder.Length)), "yyyy-MM-dd",
                    CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day0) ? day0 : DateTime.MaxValue;
            var end = Math.Min(to.UtcTicks, DateTimeOffset.UtcNow.AddDays(1).UtcTicks);
            // A conversation can have several markers: it is read once, and counted only if its first activity is in the period.
            var started = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var day = from.UtcDateTime.Date < earliest ? earliest : from.UtcDateTime.Date; day.Ticks < end; day = day.AddDays(1))
            {
                var folder = $"{StartsFolder}{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";
                await foreach (var marker in starts.GetBlobsAsync(new GetBlobsOptions { Prefix = folder }, cancellationToken))
                {
                    var rest = marker.Name[folder.Length..]; // {ticks}/{channel}/{conversation}
                    var (ticks, prefix) = (TicksOf(rest), rest[17..] + "/");
                    started[prefix] = Math.Min(ticks, started.GetValueOrDefault(prefix, long.MaxValue));
                }
            }
            var inPeriod = started.Where(s => s.Value >= from.UtcTicks && s.Value < to.UtcTicks).OrderBy(s => s.Value).Select(s => s.Key);
            var conversations = await Task.WhenAll(inPeriod.Select(prefix => ReadAllAsync(prefix, cancellationToken)));
            return conversations.Where(c => c.Count > 0 && TicksOf(c[0].Watermark) >= from.UtcTicks && TicksOf(c[0].Watermark) < to.UtcTicks)
                .Select(c => new StoredConversation(c[0].Activity.ChannelId ?? "", c[0].Activity.Conversation!.Id!, c.Select(e => e.Activity).ToList())).ToList();
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading the conversations started from {from:O} to {to:O} in blob containers '{starts.Name}' and '{container.Name}'", e);
        }
    }

    /// <summary>Gives a conversation a start marker at the first activity this instance stores of it, until its
    /// transcript is stored once. Another instance, or this one after a restart, may mark a later day too: a report
    /// keeps a conversation only where its transcript's first activity is.</summary>
    private async Task MarkStartAsync(string prefix, long ticks, CancellationToken cancellationToken)
    {
        if (!_marked.Contains(prefix))
        {
            await WriteOnceAsync(starts, StartName(prefix, ticks), "", cancellationToken);
        }
    }

    /// <summary>Conversations stored before start markers existed get theirs from one listing of the whole container,
    /// the first time a period is read.</summary>
    private async Task BackfillStartsAsync(CancellationToken cancellationToken)
    {
        if (_backfilled || await starts.GetBlobClient(BackfilledName).ExistsAsync(cancellationToken))
        {
            _backfilled = true;
            return;
        }
        var firsts = new List<(string Prefix, long Ticks)>();
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            var prefix = blob.Name[..(blob.Name.IndexOf('/', blob.Name.IndexOf('/') + 1) + 1)];
            if (firsts.Count == 0 || firsts[^1].Prefix != prefix)
            {
                firsts.Add((prefix, TicksOf(blob.Name[prefix.Length..]))); // listings come in name order: the first is the earliest
            }
        }
        await Parallel.ForEachAsync(firsts, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (first, ct) => await WriteOnceAsync(starts, StartName(first.Prefix, first.Ticks), "", ct));
        await WriteOnceAsync(starts, BackfilledName, "", cancellationToken);
        _backfilled = true;
    }

    private static Task<string?> FirstNameAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken) =>
        container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(pageSizeHint: 1)
            .Select(page => page.Values.FirstOrDefault()?.Name).FirstOrDefaultAsync(name => name is not null, cancellationToken).AsTask(); // a page may come back empty

    private static string StartName(string prefix, long ticks) =>
        $"{StartsFolder}{new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{ticks.ToString("x16", CultureInfo.InvariantCulture)}/{prefix[..^1]}";

    private static string Prefix(string channelId, string conversationId) =>
        $"{BlobNames.Segment(channelId)}/{BlobNames.Segment(conversationId)}/";

    private static string Leaf(long ticks, string activityId) =>
        $"{ticks.ToString("x16", CultureInfo.InvariantCulture)}-{BlobNames.Segment(activityId)}";

    /// <summary>Answers false when the blob was already there (the same activity logged by an earlier attempt).</summary>
    private static async Task<bool> WriteOnceAsync(BlobContainerClient container, string name, string json, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            };
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(json), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Storing blob '{name}' in container '{container.Name}'", e);
        }
    }

    private async Task<Activity> DownloadAsync(string name, CancellationToken cancellationToken)
    {
        var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return BotJson.Deserialize<Activity>(content.Value.Content.ToString())!;
    }

    [GeneratedRegex("^[0-9a-f]{16}-[A-Za-z0-9_~-]{1,240}(\\.[0-9a-f]{8}){0,200}$")]
    private static partial Regex WatermarkPattern();
}
