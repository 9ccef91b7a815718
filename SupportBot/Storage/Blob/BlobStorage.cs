using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage.Blob;

/// <summary>Bot state in Azure Blob Storage, one JSON blob per key (named by <see cref="BlobNames"/>), every write
/// conditional on the ETag the turn read: If-Match for an update, If-None-Match * for a create.
/// <para>Blob Storage has no transaction over several blobs, and a turn may write two keys (its conversation and its
/// user). A batch is written one key at a time in ordinal key order, so two turns racing on the same keys meet on the
/// first one and the loser has written nothing. Before writing a batch of several keys the store checks every key
/// against the ETag the turn holds, keeping the current content of all but the last; if a later key still conflicts
/// (someone wrote it in the moment between check and write), the earlier ones are put back, each only if it still
/// carries the ETag this write gave it, so a later writer is never undone. What stays possible: a crash or an outage
/// between two writes of one batch leaves the earlier keys written and the later not; and a turn that reads the first
/// key of a batch between its write and its put-back, and saves on top of it, keeps that rolled-back change (seen
/// with six turns of one conversation racing at once: the count came out one too high). Within one instance a
/// conversation's turns run one at a time, so only turns racing across instances on the same keys can meet it.</para></summary>
public sealed class BlobStorage(BlobContainerClient container) : IStorage
{
    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        // A turn reads its conversation and user keys together: in parallel, one round trip of time.
        var reads = await Task.WhenAll(keys.Distinct().Select(async key => (Key: key, Item: await ReadOneAsync(key, null, cancellationToken))));
        return reads.Where(r => r.Item is not null).ToDictionary(r => r.Key, r => r.Item!, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        var ordered = changes.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        // A batch of several keys first checks all of them at once (one round trip): a turn that read one key before
        // and another after someone else's save fails here having written nothing, instead of writing its first key,
        // failing on the second and putting the first back, which would fail every other turn that read it.
        var before = ordered.Count == 1
            ? [null]
            : await Task.WhenAll(ordered.Select((c, i) => CheckAsync(c.Key, c.Value.ETag, keepContent: i < ordered.Count - 1, cancellationToken)));
        var written = new List<(string Key, StoreItem? Before, string ETag)>();
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < ordered.Count; i++)
            {
                var (key, change) = ordered[i];
                etags[key] = await UploadAsync(key, change.Json, Condition(change.ETag), cancellationToken);
                written.Add((key, before[i], etags[key]));
            }
        }
        catch (StorageConflictException) when (written.Count > 0)
        {
            await PutBackAsync(written, cancellationToken);
            throw;
        }
        return etags;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        await Task.WhenAll(keys.Distinct().Select(key => Guard(key, "Deleting", () => Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken), cancellationToken)));

    private BlobClient Blob(string key) => container.GetBlobClient(BlobNames.Segment(key));

    private static BlobRequestConditions? Condition(string? etag) => etag switch
    {
        null => new BlobRequestConditions { IfNoneMatch = ETag.All },
        "*" => null,
        _ => new BlobRequestConditions { IfMatch = new ETag(etag) },
    };

    /// <summary>Throws a conflict unless <paramref name="key"/> is as the turn read it (<paramref name="etag"/>: null for
    /// "does not exist", * for anything). With <paramref name="keepContent"/>, answers what is there now, to put back.</summary>
    private async Task<StoreItem?> CheckAsync(string key, string? etag, bool keepContent, CancellationToken cancellationToken)
    {
        switch (etag)
        {
            case "*":
                return keepContent ? await ReadOneAsync(key, null, cancellationToken) : null;
            case null:
                if (await Guard(key, "Checking", async () => (await Blob(key).ExistsAsync(cancellationToken)).Value, cancellationToken))
                {
                    throw new StorageConflictException(key);
                }
                return null;
            default:
                var ifMatch = new BlobRequestConditions { IfMatch = new ETag(etag) };
                if (keepContent)
                {
                    return await ReadOneAsync(key, ifMatch, cancellationToken) ?? throw new StorageConflictException(key); // deleted since read
                }
                await Guard(key, "Checking", () => Blob(key).GetPropertiesAsync(ifMatch, cancellationToken), cancellationToken);
                return null;
        }
    }

    /// <summary>The item, or null when the blob does not exist. A failed <paramref name="conditions"/> is a conflict.</summary>
    private Task<StoreItem?> ReadOneAsync(string key, BlobRequestConditions? conditions, CancellationToken cancellationToken) =>
        Guard(key, "Reading", async () =>
        {
            try
            {
                var response = await Blob(key).DownloadContentAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken);
                return new StoreItem(response.Value.Content.ToString(), response.Value.Details.ETag.ToString());
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return (StoreItem?)null;
            }
        }, cancellationToken);

    private Task<string> UploadAsync(string key, string json, BlobRequestConditions? conditions, CancellationToken cancellationToken) =>
        Guard(key, "Writing", async () =>
        {
            var options = new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
            var response = await Blob(key).UploadAsync(BinaryData.FromString(json), options, cancellationToken);
            return response.Value.ETag.ToString();
        }, cancellationToken);

    /// <summary>Undoes the writes of a batch that conflicted later on, newest first.</summary>
    private async Task PutBackAsync(List<(string Key, StoreItem? Before, string ETag)> written, CancellationToken cancellationToken)
    {
        foreach (var (key, before, etag) in Enumerable.Reverse(written))
        {
            var ours = new BlobRequestConditions { IfMatch = new ETag(etag) };
            try
            {
                if (before is null)
                {
                    await Guard(key, "Undoing", () => Blob(key).DeleteIfExistsAsync(conditions: ours, cancellationToken: cancellationToken), cancellationToken);
                }
                else
                {
                    await UploadAsync(key, before.Json, ours, cancellationToken);
                }
            }
            catch (StorageConflictException)
            {
                // someone wrote after us: theirs stays
            }
        }
    }

    /// <summary>Maps the Azure client's failures onto the storage contract: a failed condition is a conflict on
    /// <paramref name="key"/>, anything else that reaches the account (or not) is an outage.</summary>
    private async Task<T> Guard<T>(string key, string what, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        try
        {
            return await request();
        }
        catch (RequestFailedException e) when (BlobFailures.IsConflict(e) && what != "Reading")
        {
            throw new StorageConflictException(key);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new StorageConflictException(key); // a conditional read: the item moved on
        }
        catch (RequestFailedException e) when (e.Status == 404 && what == "Checking")
        {
            throw new StorageConflictException(key); // HEAD answers without an error code: the blob read is gone
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"{what} state '{key}' in blob container '{container.Name}'", e);
        }
    }
}
