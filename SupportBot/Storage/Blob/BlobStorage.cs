using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage.Blob;

/// <summary>Bot state in Azure Blob Storage, one JSON blob per key (named by <see cref="BlobNames"/>), every write
/// conditional on the ETag the turn read: If-Match for an update, If-None-Match * for a create.
/// <para>Blob Storage has no transaction over several blobs, and a turn may write two keys (its conversation and its
/// user). So a batch of several keys first takes a lease on each key it updates, in ordinal order, each on the ETag the
/// turn read: from then on nobody else can write those keys, and none has changed. Then it creates the new keys (a
/// conflict there deletes the ones it created and writes nothing else), writes the updates under its leases, and lets
/// the leases go. Nobody can save on top of a write that is later undone, because the only writes ever undone are the
/// creates of a batch, made before its updates. What stays possible: a crash or an outage between two writes of one
/// batch leaves the earlier written (its leases then block those keys for up to 15 seconds); and a turn that reads a
/// key created by a batch whose next create then conflicts could build on it in the moment before it is deleted.</para></summary>
public sealed class BlobStorage(BlobContainerClient container) : IStorage
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(15); // the shortest Blob Storage grants

    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        // A turn reads its conversation and user keys together: in parallel, one round trip of time.
        var reads = await Task.WhenAll(keys.Distinct().Select(async key => (Key: key, Item: await ReadOneAsync(key, cancellationToken))));
        return reads.Where(r => r.Item is not null).ToDictionary(r => r.Key, r => r.Item!, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (changes.Count == 1)
        {
            var (key, change) = changes.Single();
            etags[key] = await UploadAsync(key, change.Json, Condition(change.ETag), cancellationToken);
            return etags;
        }
        var ordered = changes.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var leases = new List<(string Key, StoreItem Change, BlobLeaseClient Lease)>();
        var created = new List<(string Key, string ETag)>();
        try
        {
            foreach (var (key, change) in ordered.Where(c => c.Value.ETag is not (null or "*")))
            {
                leases.Add((key, change, await LeaseAsync(key, change.ETag!, cancellationToken)));
            }
            foreach (var (key, change) in ordered.Where(c => c.Value.ETag is null))
            {
                etags[key] = await UploadAsync(key, change.Json, Condition(null), cancellationToken);
                created.Add((key, etags[key]));
            }
            foreach (var (key, change, lease) in leases)
            {
                var underLease = new BlobRequestConditions { IfMatch = new ETag(change.ETag!), LeaseId = lease.LeaseId };
                try
                {
                    etags[key] = await UploadAsync(key, change.Json, underLease, cancellationToken);
                }
                catch (StorageConflictException e) when (etags.Count > created.Count)
                {
                    // Only a lease run out can fail here, after an update is written: re-running the turn would apply
                    // it twice, so the turn fails as an outage instead.
                    throw new StorageUnavailableException($"The lease on state '{key}' ran out during a write; the turn is not re-run.", e);
                }
            }
            foreach (var (key, change) in ordered.Where(c => c.Value.ETag == "*"))
            {
                etags[key] = await UploadAsync(key, change.Json, null, cancellationToken);
            }
            return etags;
        }
        catch (StorageConflictException)
        {
            await DeleteCreatedAsync(created, cancellationToken);
            throw;
        }
        finally
        {
            await Task.WhenAll(leases.Select(l => ReleaseAsync(l.Lease)));
        }
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

    /// <summary>Locks <paramref name="key"/> against other writers, provided it still has the ETag the turn read.</summary>
    private Task<BlobLeaseClient> LeaseAsync(string key, string etag, CancellationToken cancellationToken) =>
        Guard(key, "Locking", async () =>
        {
            var lease = Blob(key).GetBlobLeaseClient();
            await lease.AcquireAsync(LeaseTime, new RequestConditions { IfMatch = new ETag(etag) }, cancellationToken);
            return lease;
        }, cancellationToken);

    /// <summary>Best effort: a lease not released expires by itself.</summary>
    private static async Task ReleaseAsync(BlobLeaseClient lease)
    {
        try
        {
            await lease.ReleaseAsync();
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>The item, or null when the blob does not exist.</summary>
    private Task<StoreItem?> ReadOneAsync(string key, CancellationToken cancellationToken) =>
        Guard(key, "Reading", async () =>
        {
            try
            {
                var response = await Blob(key).DownloadContentAsync(cancellationToken);
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

    /// <summary>Undoes the creates of a batch that conflicted later on, each only while it is still as this batch wrote it.</summary>
    private async Task DeleteCreatedAsync(List<(string Key, string ETag)> created, CancellationToken cancellationToken)
    {
        foreach (var (key, etag) in created)
        {
            try
            {
                var ours = new BlobRequestConditions { IfMatch = new ETag(etag) };
                await Guard(key, "Undoing", () => Blob(key).DeleteIfExistsAsync(conditions: ours, cancellationToken: cancellationToken), cancellationToken);
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
        catch (RequestFailedException e) when (BlobFailures.IsConflict(e))
        {
            throw new StorageConflictException(key);
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"{what} state '{key}' in blob container '{container.Name}'", e);
        }
    }
}
