using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage.Blob;

/// <summary>Bot state in Azure Blob Storage, one JSON blob per key (named by <see cref="BlobNames"/>), every write
/// conditional on the ETag the turn read: If-Match for an update, If-None-Match * for a create.
/// <para>Blob Storage has no transaction over several blobs, and a turn may write two keys (its conversation and its
/// user). A batch is written one key at a time in ordinal key order, so two turns racing on the same keys meet on the
/// first one and the loser has written nothing. Before overwriting a key that is not the last of its batch, the
/// store reads what is there at the ETag the turn holds (which is also the conflict check); if a later key then
/// conflicts, the earlier ones are put back, each only if it still carries the ETag this write gave it, so a later
/// writer is never undone. What stays possible: a crash or an outage between two writes of one batch leaves the
/// earlier keys written and the later not.</para></summary>
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
        var written = new List<(string Key, StoreItem? Before, string ETag)>();
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, change) in ordered)
            {
                StoreItem? before = null;
                if (key != ordered[^1].Key && change.ETag is not null)
                {
                    before = await ReadOneAsync(key, change.ETag == "*" ? null : new BlobRequestConditions { IfMatch = new ETag(change.ETag) }, cancellationToken);
                    if (before is null && change.ETag != "*")
                    {
                        throw new StorageConflictException(key); // deleted since the turn read it
                    }
                }
                etags[key] = await UploadAsync(key, change.Json, Condition(change.ETag), cancellationToken);
                written.Add((key, before, etags[key]));
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
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"{what} state '{key}' in blob container '{container.Name}'", e);
        }
    }
}
