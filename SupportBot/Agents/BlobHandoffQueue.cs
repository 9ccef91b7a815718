using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Storage.Blob;

namespace SupportBot.Agents;

/// <summary>The handoff queue in a Blob container shared by every instance. Blob Storage has no transaction and no
/// query, so the queue is laid out for conditional writes and short listings:
/// <list type="bullet">
/// <item><c>handoff/{id}</c>: one JSON blob per handoff, written once (If-None-Match *) and changed only with If-Match
/// on the version read. Accepting is such a change from queued, so of two instances accepting exactly one wins and the
/// other re-reads who did.</item>
/// <item><c>active/{conversation key}</c>: the marker that makes a handoff the conversation's active one, created only
/// if absent (If-None-Match *), the handoff's id in its metadata; a request that loses it to another request of the
/// same conversation deletes its own handoff. The open queue is the listing of this prefix, so it
/// costs one listing and one read per open handoff, never a scan of history.</item>
/// <item><c>recent-waits</c>: the last accepted waits, updated with If-Match after each accept, so estimates read one blob.</item>
/// <item><c>teams-thread/{thread}</c> (the last handoff accepted there), <c>note/{handoff}/{ticks}-{guid}</c>, and
/// <c>follow-up/{id}</c> (written once; open ones carry <c>open</c> metadata, so listing them downloads no closed one).</item>
/// </list>
/// Every step is ordered so that a crash between two of them loses nothing and blocks nobody: a handoff is written
/// before its marker (a turn that failed in between is run again with the same id and finds it); a handoff is ended
/// before its marker is removed, and a marker whose handoff has ended is dangling: whoever finds it treats the
/// conversation as free and deletes it (If-Match on the marker, so a newer one is never touched). An accept is the
/// last write that can fail it: the Teams thread's pointer is written before, and an outage or crash while recording
/// the wait after it only leaves that wait out of the estimates.</summary>
public sealed class BlobHandoffQueue(BlobContainerClient container) : IHandoffQueue
{
    private const int KeptWaits = 50;
    private const string HandoffMetadata = "handoff";
    private const string OpenMetadata = "open";

    public async Task<Handoff> EnqueueAsync(string id, HandoffRequest request, ConversationReference reference, DateTimeOffset now)
    {
        var key = ConversationKeys.Of(reference.ChannelId, reference.Conversation?.Id);
        var createdHere = false;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await ActiveAsync(key) is { } active)
            {
                if (createdHere && active.Id != id)
                {
                    // Another request of the conversation won the marker: ours must not linger as a queued handoff.
                    await DeleteAsync(HandoffName(id), ETag.All);
                }
                return active;
            }
            var handoff = new Handoff(id, key, HandoffStatus.Queued, null, null, now, null, null, (await QueuedAsync()).Count + 1, null, request, reference);
            // Not created: an earlier run of the same turn wrote it already.
            createdHere |= await CreateAsync(HandoffName(id), BotJson.Serialize(handoff), null);
            var stored = createdHere ? handoff : await GetAsync(id);
            if (stored?.Status != HandoffStatus.Queued)
            {
                break; // this turn's handoff has been taken and ended since; like SQLite, nothing new is queued
            }
            if (await CreateAsync(MarkerName(key), "", new Dictionary<string, string> { [HandoffMetadata] = id }))
            {
                return stored;
            }
            // another handoff became active meanwhile (or the marker is dangling): look again
        }
        return await ActiveAsync(key) ?? throw new StorageUnavailableException($"The handoff for {key} was not stored.");
    }

    public async Task<Handoff?> ActiveAsync(string conversationKey)
    {
        var marker = await MarkerAsync(conversationKey);
        return marker is null ? null : await ActiveOfAsync(marker.Value.Id, MarkerName(conversationKey), marker.Value.ETag);
    }

    public async Task<Handoff?> GetAsync(string id) =>
        await DownloadAsync(HandoffName(id)) is { } blob ? BotJson.Deserialize<Handoff>(blob.Json) : null;

    public async Task<List<Handoff>> QueuedAsync() =>
        (await OpenAsync()).Where(h => h.Status == HandoffStatus.Queued).OrderBy(h => h.RequestedAt).ThenBy(h => h.Id, StringComparer.Ordinal).ToList();

    public async Task<List<Handoff>> AssignedAsync() =>
        (await OpenAsync()).Where(h => h.Status == HandoffStatus.Assigned).OrderBy(h => h.AcceptedAt).ToList();

    public async Task<List<TimeSpan>> RecentWaitsAsync(int count) =>
        (await DownloadAsync(RecentWaitsName) is { } blob ? BotJson.Deserialize<List<TimeSpan>>(blob.Json)! : []).Take(count).ToList();

    public async Task<bool> AcceptAsync(string id, string agent, string agentName, string? teamsThread, DateTimeOffset now)
    {
        if (teamsThread is not null)
        {
            // Before the accept, so a failure here changes nothing an agent would see; a lost accept's pointer only
            // leads its thread to the handoff and its real owner.
            await UploadAsync(TeamsThreadName(teamsThread), "", new Dictionary<string, string> { [HandoffMetadata] = id }, null);
        }
        var accepted = await ChangeAsync(id, h => h.Status == HandoffStatus.Queued
            ? h with { Status = HandoffStatus.Assigned, Agent = agent, AgentName = agentName, AcceptedAt = now, TeamsThread = teamsThread }
            : null);
        if (accepted is null)
        {
            return false;
        }
        try
        {
            await UpdateAsync(RecentWaitsName, json => BotJson.Serialize(
                new[] { now - accepted.RequestedAt }.Concat(json is null ? [] : BotJson.Deserialize<List<TimeSpan>>(json)!).Take(KeptWaits).ToList()));
        }
        catch (StorageUnavailableException)
        {
            // The accept stands (the agent must not be told it failed); the estimates miss one wait.
        }
        return true;
    }

    public async Task<bool> ReturnAsync(string id, string agent, DateTimeOffset now) =>
        await ChangeAsync(id, h => h.Status == HandoffStatus.Assigned && h.Agent == agent
            ? h with { Status = HandoffStatus.Queued, Agent = null, AgentName = null, AcceptedAt = null, ToldPosition = null, AnnouncedAt = null }
            : null) is not null;

    public async Task<bool> EndAsync(string id, string agent, DateTimeOffset now)
    {
        var ended = await ChangeAsync(id, h => h.Status == HandoffStatus.Assigned && h.Agent == agent ? h with { Status = HandoffStatus.Ended, EndedAt = now } : null);
        if (ended is not null)
        {
            await ClearMarkerAsync(() => RemoveMarkerAsync(ended.ConversationKey, id));
        }
        return ended is not null;
    }

    public async Task<bool> WithdrawAsync(string conversationKey, DateTimeOffset now)
    {
        if (await MarkerAsync(conversationKey) is not { } marker)
        {
            return false;
        }
        var withdrawn = await ChangeAsync(marker.Id, h => h.Status == HandoffStatus.Queued ? h with { Status = HandoffStatus.Withdrawn, EndedAt = now } : null);
        await ClearMarkerAsync(() => ActiveOfAsync(marker.Id, MarkerName(conversationKey), marker.ETag)); // removes it once its handoff is over
        return withdrawn is not null;
    }

    public async Task MarkAnnouncedAsync(string id, DateTimeOffset now) =>
        await ChangeAsync(id, h => h with { AnnouncedAt = now });

    public async Task SetToldPositionAsync(string id, int position) =>
        await ChangeAsync(id, h => h with { ToldPosition = position });

    public async Task<Handoff?> ByTeamsThreadAsync(string thread)
    {
        if ((await AssignedAsync()).FirstOrDefault(h => h.TeamsThread == thread) is { } assigned)
        {
            return assigned;
        }
        var pointer = await PropertiesAsync(TeamsThreadName(thread));
        return pointer?.Metadata.TryGetValue(HandoffMetadata, out var id) == true ? await GetAsync(id) : null;
    }

    public Task AddNoteAsync(string handoffId, string agent, string text, DateTimeOffset now) =>
        CreateAsync($"note/{BlobNames.Segment(handoffId)}/{now.UtcTicks:x16}-{Guid.NewGuid():N}", BotJson.Serialize(new AgentNote(agent, now, text)), null);

    public async Task<List<AgentNote>> NotesAsync(string handoffId)
    {
        var names = await ListAsync($"note/{BlobNames.Segment(handoffId)}/", _ => true);
        var notes = await Task.WhenAll(names.Select(async item => await DownloadAsync(item.Name)));
        return notes.Where(n => n is not null).Select(n => BotJson.Deserialize<AgentNote>(n!.Value.Json)!).ToList();
    }

    public Task AddFollowUpAsync(FollowUp followUp) =>
        CreateAsync(FollowUpName(followUp.Id), BotJson.Serialize(followUp), new Dictionary<string, string> { [OpenMetadata] = "true" });

    public async Task<List<FollowUp>> OpenFollowUpsAsync()
    {
        var open = await ListAsync("follow-up/", item => item.Metadata.ContainsKey(OpenMetadata));
        var followUps = await Task.WhenAll(open.Select(async item => await DownloadAsync(item.Name)));
        return followUps.Where(f => f is not null).Select(f => BotJson.Deserialize<FollowUp>(f!.Value.Json)!)
            .Where(f => f.ClosedAt is null).OrderBy(f => f.Due).ToList();
    }

    public async Task<(List<Handoff> Handoffs, List<FollowUp> FollowUps)> HistoryAsync(IReadOnlySet<string> conversationKeys)
    {
        var handoffs = await AllAsync<Handoff>("handoff/");
        var followUps = await AllAsync<FollowUp>("follow-up/");
        return (handoffs.Where(h => conversationKeys.Contains(h.ConversationKey)).OrderBy(h => h.RequestedAt).ToList(),
            followUps.Where(f => conversationKeys.Contains(f.ConversationKey)).OrderBy(f => f.CreatedAt).ToList());
    }

    private async Task<List<T>> AllAsync<T>(string prefix)
    {
        var items = await ListAsync(prefix, _ => true);
        var stored = await Task.WhenAll(items.Select(async item => await DownloadAsync(item.Name)));
        return stored.Where(s => s is not null).Select(s => BotJson.Deserialize<T>(s!.Value.Json)!).ToList();
    }

    public async Task<bool> CloseFollowUpAsync(string id, string agent, DateTimeOffset now)
    {
        while (await DownloadAsync(FollowUpName(id)) is { } blob)
        {
            var followUp = BotJson.Deserialize<FollowUp>(blob.Json)!;
            if (followUp.ClosedAt is not null)
            {
                return false;
            }
            var closed = followUp with { ClosedBy = agent, ClosedAt = now };
            if (await UploadAsync(FollowUpName(id), BotJson.Serialize(closed), null, new BlobRequestConditions { IfMatch = blob.ETag }))
            {
                return true;
            }
        }
        return false;
    }

    private static string HandoffName(string id) => $"handoff/{BlobNames.Segment(id)}";

    private static string MarkerName(string conversationKey) => $"active/{BlobNames.Segment(conversationKey)}";

    private static string TeamsThreadName(string thread) => $"teams-thread/{BlobNames.Segment(thread)}";

    private static string FollowUpName(string id) => $"follow-up/{BlobNames.Segment(id)}";

    private const string RecentWaitsName = "recent-waits";

    /// <summary>The open handoffs: those the markers point to, dangling markers cleared on the way.</summary>
    private async Task<List<Handoff>> OpenAsync()
    {
        var markers = await ListAsync("active/", item => item.Metadata.ContainsKey(HandoffMetadata));
        var open = await Task.WhenAll(markers.Select(m => ActiveOfAsync(m.Metadata[HandoffMetadata], m.Name, m.Properties.ETag!.Value)));
        return open.Where(h => h is not null).Select(h => h!).ToList();
    }

    /// <summary>The handoff a marker points to while it is active. A marker whose handoff is over (or missing: a
    /// marker is only ever written after its handoff) is deleted, only as it was read, so the conversation can ask again.</summary>
    private async Task<Handoff?> ActiveOfAsync(string id, string markerName, ETag markerETag)
    {
        var handoff = await GetAsync(id);
        if (handoff is { Status: HandoffStatus.Queued or HandoffStatus.Assigned })
        {
            return handoff;
        }
        await DeleteAsync(markerName, markerETag);
        return null;
    }

    private async Task<(string Id, ETag ETag)?> MarkerAsync(string conversationKey) =>
        await PropertiesAsync(MarkerName(conversationKey)) is { } marker && marker.Metadata.TryGetValue(HandoffMetadata, out var id) ? (id, marker.ETag) : null;

    private async Task RemoveMarkerAsync(string conversationKey, string id)
    {
        if (await MarkerAsync(conversationKey) is { } marker && marker.Id == id)
        {
            await DeleteAsync(MarkerName(conversationKey), marker.ETag);
        }
    }

    /// <summary>Once a handoff has ended, its marker is only dangling: an outage while removing it must not report the
    /// end as failed, and whoever reads the marker next removes it.</summary>
    private static async Task ClearMarkerAsync(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (StorageUnavailableException)
        {
        }
    }

    /// <summary>Applies <paramref name="change"/> (null: nothing to change) to the handoff as last written, with If-Match,
    /// again on a newer version when someone else wrote first. Answers the handoff as changed, or null.</summary>
    private async Task<Handoff?> ChangeAsync(string id, Func<Handoff, Handoff?> change)
    {
        while (await DownloadAsync(HandoffName(id)) is { } blob)
        {
            if (change(BotJson.Deserialize<Handoff>(blob.Json)!) is not { } changed)
            {
                return null;
            }
            if (await UploadAsync(HandoffName(id), BotJson.Serialize(changed), null, new BlobRequestConditions { IfMatch = blob.ETag }))
            {
                return changed;
            }
        }
        return null;
    }

    /// <summary>Read-modify-write of a small shared blob (null: it does not exist yet).</summary>
    private async Task UpdateAsync(string name, Func<string?, string> change)
    {
        while (true)
        {
            var blob = await DownloadAsync(name);
            var condition = blob is { } read ? new BlobRequestConditions { IfMatch = read.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            if (await UploadAsync(name, change(blob?.Json), null, condition))
            {
                return;
            }
        }
    }

    /// <summary>False when the blob was there already.</summary>
    private Task<bool> CreateAsync(string name, string json, IDictionary<string, string>? metadata) =>
        UploadAsync(name, json, metadata, new BlobRequestConditions { IfNoneMatch = ETag.All });

    /// <summary>False when <paramref name="conditions"/> failed: someone else wrote first.</summary>
    private Task<bool> UploadAsync(string name, string json, IDictionary<string, string>? metadata, BlobRequestConditions? conditions) =>
        Guard("Writing", name, async () =>
        {
            try
            {
                var options = new BlobUploadOptions { Conditions = conditions, Metadata = metadata, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
                await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(json), options);
                return true;
            }
            catch (RequestFailedException e) when (BlobFailures.IsConflict(e))
            {
                return false;
            }
        });

    private Task<(string Json, ETag ETag)?> DownloadAsync(string name) =>
        Guard("Reading", name, async () =>
        {
            try
            {
                var content = (await container.GetBlobClient(name).DownloadContentAsync()).Value;
                return ((string Json, ETag ETag)?)(content.Content.ToString(), content.Details.ETag);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        });

    private Task<BlobProperties?> PropertiesAsync(string name) =>
        Guard("Reading", name, async () =>
        {
            try
            {
                return (BlobProperties?)(await container.GetBlobClient(name).GetPropertiesAsync()).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        });

    /// <summary>Deletes the blob if it is still the version read; a newer one stays.</summary>
    private Task DeleteAsync(string name, ETag etag) =>
        Guard("Deleting", name, async () =>
        {
            try
            {
                await container.GetBlobClient(name).DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = etag });
            }
            catch (RequestFailedException e) when (BlobFailures.IsConflict(e))
            {
            }
            return true;
        });

    private Task<List<BlobItem>> ListAsync(string prefix, Func<BlobItem, bool> keep) =>
        Guard("Listing", prefix, async () =>
        {
            var items = new List<BlobItem>();
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }))
            {
                if (keep(item))
                {
                    items.Add(item);
                }
            }
            return items;
        });

    private async Task<T> Guard<T>(string what, string name, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, CancellationToken.None))
        {
            throw BlobFailures.Unavailable($"{what} '{name}' of the handoff queue in blob container '{container.Name}'", e);
        }
    }
}
