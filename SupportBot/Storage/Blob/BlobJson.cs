using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SupportBot.Storage.Blob;

/// <summary>Small JSON documents read with their ETag and written only on a condition (If-Match the ETag read, or
/// If-None-Match * to create): the admin's draft, published versions and the live version pointer.</summary>
internal static class BlobJson
{
    /// <summary>The document and its ETag; (default, null) when the blob does not exist.</summary>
    public static async Task<(T? Value, ETag? ETag)> ReadAsync<T>(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var response = await blob.DownloadContentAsync(cancellationToken);
            return (response.Value.Content.ToObjectFromJson<T>(JsonSerializerOptions.Web), response.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (default, null);
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading '{blob.Name}' from blob container '{blob.BlobContainerName}'", e);
        }
    }

    /// <summary>Writes <paramref name="value"/> when the blob is still at <paramref name="etag"/> (null: when it does not
    /// exist yet). False when another writer came first.</summary>
    public static async Task<bool> TryWriteAsync<T>(BlobClient blob, T value, ETag? etag, CancellationToken cancellationToken)
    {
        try
        {
            var options = new BlobUploadOptions
            {
                Conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            };
            await blob.UploadAsync(BinaryData.FromObjectAsJson(value, JsonSerializerOptions.Web), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (BlobFailures.IsConflict(e))
        {
            return false;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Writing '{blob.Name}' to blob container '{blob.BlobContainerName}'", e);
        }
    }

    /// <summary>The new ETag when the blob changed since <paramref name="seen"/> (one conditional request: a 304 costs
    /// no download); null when it did not change or does not exist.</summary>
    public static async Task<ETag?> ChangedSinceAsync(BlobClient blob, ETag? seen, CancellationToken cancellationToken)
    {
        try
        {
            var conditions = seen is { } etag ? new BlobRequestConditions { IfNoneMatch = etag } : null;
            var properties = await blob.GetPropertiesAsync(conditions, cancellationToken);
            return properties.Value.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 304 or 404)
        {
            return null;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Checking '{blob.Name}' in blob container '{blob.BlobContainerName}'", e);
        }
    }
}
