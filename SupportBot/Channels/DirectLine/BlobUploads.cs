using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Storage.Blob;

namespace SupportBot.Channels.DirectLine;

/// <summary>Attached files as blobs <c>upload/{id}</c> in the container every instance shares: the content type as
/// the blob's own, the file and conversation names in metadata (escaped: metadata is ASCII).</summary>
public sealed class BlobUploads(BlobContainerClient container) : IUploads
{
    public async Task<string> SaveAsync(string conversationId, Upload upload, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = upload.ContentType },
            Metadata = new Dictionary<string, string> { ["name"] = Uri.EscapeDataString(upload.Name), ["conversation"] = Uri.EscapeDataString(conversationId) },
        };
        try
        {
            await Blob(id).UploadAsync(BinaryData.FromBytes(upload.Content), options, cancellationToken);
            return id;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Storing an attachment in blob container '{container.Name}'", e);
        }
    }

    public async Task<Upload?> FindAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var blob = (await Blob(id).DownloadContentAsync(cancellationToken)).Value;
            var name = blob.Details.Metadata.TryGetValue("name", out var escaped) ? Uri.UnescapeDataString(escaped) : id;
            return new Upload(name, blob.Details.ContentType, blob.Content.ToArray());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Reading attachment '{id}' from blob container '{container.Name}'", e);
        }
    }

    private BlobClient Blob(string id) => container.GetBlobClient($"upload/{BlobNames.Segment(id)}");
}
