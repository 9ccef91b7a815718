using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Storage.Blob;

namespace SupportBot.Channels.DirectLine;

/// <summary>The Direct Line conversations as empty blobs <c>conversation/{id}</c> (the user id in metadata) in the
/// container every instance shares, so a reconnect or a post lands well on any of them. Created only if absent, so of
/// two instances starting the same conversation one learns it is not new.</summary>
public sealed class BlobDirectLineConversations(BlobContainerClient container) : IDirectLineConversations
{
    public async Task<bool> StartAsync(string conversationId, string? userId, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = userId is null ? null : new Dictionary<string, string> { ["user"] = Uri.EscapeDataString(userId) },
        };
        try
        {
            await Blob(conversationId).UploadAsync(BinaryData.Empty, options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Recording Direct Line conversation '{conversationId}' in blob container '{container.Name}'", e);
        }
    }

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob(conversationId).ExistsAsync(cancellationToken)).Value;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Looking up Direct Line conversation '{conversationId}' in blob container '{container.Name}'", e);
        }
    }

    private BlobClient Blob(string conversationId) => container.GetBlobClient($"conversation/{BlobNames.Segment(conversationId)}");
}
