using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Storage.Blob;

namespace SupportBot.Admin.Versions;

/// <summary>The published versions as blobs every instance shares, one per version, each created once
/// (If-None-Match *): of two instances publishing at once, the second finds its number taken and takes the next, so
/// numbers stay unique. A pointer blob names the newest; instances watch it with a cheap conditional request
/// (<see cref="LiveChangedSinceAsync"/>) to switch their customers to a version published elsewhere.</summary>
public sealed class BlobPlaybookVersions(BlobContainers containers, TimeProvider clock) : IPlaybookVersions
{
    /// <summary>In the state container, beside the draft; state blob names never hold '/' or '.'.</summary>
    private const string Folder = "playbook/versions/";
    private const string PointerName = "playbook/live.json";

    private sealed record LivePointer(int Number);

    private BlobClient Pointer => containers.State.GetBlobClient(PointerName);

    /// <summary>Zero-padded, so listing (in name order) is in number order.</summary>
    private BlobClient Version(int number) =>
        containers.State.GetBlobClient(Folder + number.ToString("D10", CultureInfo.InvariantCulture) + ".json");

    public async Task<IReadOnlyList<PlaybookVersion>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await NamesAsync(cancellationToken);
        var versions = await Task.WhenAll(names.Select(name => ReadAsync(containers.State.GetBlobClient(name), cancellationToken)));
        return versions.OfType<PlaybookVersion>().OrderByDescending(v => v.Number).ToList();
    }

    public Task<PlaybookVersion?> GetAsync(int number, CancellationToken cancellationToken) =>
        number < 1 ? Task.FromResult<PlaybookVersion?>(null) : ReadAsync(Version(number), cancellationToken);

    public async Task<PlaybookVersion?> LatestAsync(CancellationToken cancellationToken) =>
        await NamesAsync(cancellationToken) is { Count: > 0 } names ? await ReadAsync(containers.State.GetBlobClient(names[^1]), cancellationToken) : null;

    public async Task<PlaybookVersion> AddAsync(string json, string publishedBy, string note, string startedWith)
    {
        var now = clock.GetUtcNow();
        // The pointer is where to start looking: it may lag (an instance stopped between its two writes), never lead.
        var number = (await BlobJson.ReadAsync<LivePointer>(Pointer, CancellationToken.None)).Value?.Number ?? 0;
        if (number == 0)
        {
            // Another instance's first publish may have written it already; either way there is a version 1.
            await CreateAsync(new PlaybookVersion(1, "system", now, "The playbook in force before the first publish", []) { Json = startedWith });
            number = 1;
        }
        while (true)
        {
            var previous = await GetAsync(number, CancellationToken.None)
                ?? throw new InvalidOperationException($"Version {number} is missing from '{containers.State.Name}'; versions are never deleted.");
            var version = new PlaybookVersion(number + 1, publishedBy, now, note, PlaybookDiff.Between(previous.Json, json)) { Json = json };
            if (await CreateAsync(version))
            {
                await MovePointerAsync(version.Number);
                return version;
            }
            number++; // taken by another publish: build on that one
        }
    }

    /// <summary>The pointer's new ETag when a version was published (here or on another instance) since
    /// <paramref name="seen"/>; null when nothing changed.</summary>
    public Task<ETag?> LiveChangedSinceAsync(ETag? seen, CancellationToken cancellationToken) =>
        BlobJson.ChangedSinceAsync(Pointer, seen, cancellationToken);

    private Task<bool> CreateAsync(PlaybookVersion version) => BlobJson.TryWriteAsync(Version(version.Number), version, null, CancellationToken.None);

    /// <summary>Moves the pointer forward to <paramref name="number"/>, never back: of two racing publishes the newer
    /// stays named, whichever writes last.</summary>
    private async Task MovePointerAsync(int number)
    {
        while (true)
        {
            var (pointer, etag) = await BlobJson.ReadAsync<LivePointer>(Pointer, CancellationToken.None);
            if (pointer?.Number >= number || await BlobJson.TryWriteAsync(Pointer, new LivePointer(number), etag, CancellationToken.None))
            {
                return;
            }
        }
    }

    private static async Task<PlaybookVersion?> ReadAsync(BlobClient blob, CancellationToken cancellationToken) =>
        (await BlobJson.ReadAsync<PlaybookVersion>(blob, cancellationToken)).Value;

    private async Task<List<string>> NamesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var names = new List<string>();
            await foreach (var blob in containers.State.GetBlobsAsync(new GetBlobsOptions { Prefix = Folder }, cancellationToken))
            {
                names.Add(blob.Name);
            }
            return names;
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
        {
            throw BlobFailures.Unavailable($"Listing the playbook versions in blob container '{containers.State.Name}'", e);
        }
    }
}
