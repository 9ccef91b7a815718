using SupportBot.Playbooks;
using SupportBot.Storage.Blob;

namespace SupportBot.Admin.Drafts;

/// <summary>The draft as one blob that every instance reads and writes. A save is written If-Match the blob's ETag as
/// read with the revision it checked, so of two concurrent saves (on any instances) the second is refused.</summary>
public sealed class BlobPlaybookDrafts(BlobContainers containers, PlaybookHost live, TimeProvider clock) : IPlaybookDrafts
{
    /// <summary>In the state container: state blob names are escaped and never hold '/' or '.', so none is this.</summary>
    public const string BlobName = "playbook/draft.json";

    public async Task<Draft> GetAsync(CancellationToken cancellationToken) =>
        (await BlobJson.ReadAsync<Draft>(containers.State.GetBlobClient(BlobName), cancellationToken)).Value
        ?? new Draft(live.CurrentJson, 0, "", DateTimeOffset.MinValue);

    public async Task<Draft?> SaveAsync(string json, long basedOn, string savedBy)
    {
        var blob = containers.State.GetBlobClient(BlobName);
        var (current, etag) = await BlobJson.ReadAsync<Draft>(blob, CancellationToken.None);
        if ((current?.Revision ?? 0) != basedOn)
        {
            return null;
        }
        var saved = new Draft(json, basedOn + 1, savedBy, clock.GetUtcNow());
        return await BlobJson.TryWriteAsync(blob, saved, etag, CancellationToken.None) ? saved : null;
    }
}
