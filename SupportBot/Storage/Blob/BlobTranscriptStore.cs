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
/// so a turn re-run that logs the same activity again stores it once. Blob listings are in name order, and the ticks
/// (16 hex digits) put names in time order, so a blob name is also this store's Direct Line watermark.</summary>
public sealed partial class BlobTranscriptStore(BlobContainerClient container, TranscriptFeed feed) : ITranscriptStore
{
    private static readonly string[] WebChatChannels = [ChannelIds.WebChat, ChannelIds.DirectLine];

    public async Task LogActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        var stored = new List<TranscriptEntry>(activities.Count);
        var previousTicks = 0L;
        foreach (var activity in activities)
        {
            activity.Id ??= Activity.NewId();
            activity.Timestamp ??= DateTimeOffset.UtcNow;
            var conversation = activity.Conversation?.Id ?? throw new ArgumentException("An activity without conversation.id cannot be stored.");
            // Replies sent in one go may share a timestamp; their names must still keep the order they were sent in.
            var ticks = Math.Max(activity.Timestamp.Value.UtcTicks, previousTicks + 1);
            previousTicks = ticks;
            var leaf = Leaf(ticks, activity.Id);
            // One at a time, in order: a Direct Line reader never sees a later reply before an earlier one is stored.
            if (await WriteOnceAsync(Prefix(activity.ChannelId ?? "", conversation) + leaf + ".json", BotJson.Serialize(activity), cancellationToken))
            {
                stored.Add(new TranscriptEntry(leaf, activity));
            }
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
        var (entries, next) = await ReadPageAsync(channelId, conversationId, continuationToken, pageSize, cancellationToken);
        return new TranscriptPage(entries.Select(e => e.Activity).ToList(), next);
    }

    public async Task<IReadOnlyList<TranscriptEntry>> GetConversationAsync(string channelId, string conversationId, CancellationToken cancellationToken)
    {
        var all = new List<TranscriptEntry>();
        string? token = null;
        do
        {
            var (entries, next) = await ReadPageAsync(channelId, conversationId, token, 100, cancellationToken);
            all.AddRange(entries);
            token = next;
        }
        while (token is not null);
        return all;
    }

    private async Task<(List<TranscriptEntry> Entries, string? ContinuationToken)> ReadPageAsync(string channelId, string conversationId, string? continuationToken,
        int pageSize, CancellationToken cancellationToken)
    {
        var prefix = Prefix(channelId, conversationId);
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
            throw BlobFailures.Unavailable($"Reading the transcript of '{conversationId}' from blob container '{container.Name}'", e);
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

    /// <summary>Lists the whole container (names only: a conversation's first blob name holds when it started, and
    /// listings come in name order), then downloads the conversations that started in the period.</summary>
    public async Task<IReadOnlyList<StoredConversation>> ConversationsStartedAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        try
        {
            var started = new List<List<string>>();
            string? prefix = null;
            var inPeriod = false;
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken))
            {
                var folder = blob.Name[..(blob.Name.IndexOf('/', blob.Name.IndexOf('/') + 1) + 1)];
                if (folder != prefix)
                {
                    prefix = folder;
                    var at = new DateTimeOffset(long.Parse(blob.Name.AsSpan(folder.Length, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture), TimeSpan.Zero);
                    inPeriod = at >= from && at < to;
                    if (inPeriod)
                    {
                        started.Add([]);
                    }
                }
                if (inPeriod)
                {
                    started[^1].Add(blob.Name);
                }
            }
            var conversations = await Task.WhenAll(started.Select(async names => await Task.WhenAll(names.Select(n => DownloadAsync(n, cancellationToken)))));
            return conversations.Select(a => new StoredConversation(a[0].ChannelId ?? "", a[0].Conversation!.Id!, a)).ToList();
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading the transcripts in blob container '{container.Name}'", e);
        }
    }

    private static string Prefix(string channelId, string conversationId) =>
        $"{BlobNames.Segment(channelId)}/{BlobNames.Segment(conversationId)}/";

    private static string Leaf(long ticks, string activityId) =>
        $"{ticks.ToString("x16", CultureInfo.InvariantCulture)}-{BlobNames.Segment(activityId)}";

    /// <summary>Answers false when the blob was already there (the same activity logged by an earlier attempt).</summary>
    private async Task<bool> WriteOnceAsync(string name, string json, CancellationToken cancellationToken)
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
            throw BlobFailures.Unavailable($"Storing transcript blob '{name}' in container '{container.Name}'", e);
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
