using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SupportBot.Storage.Blob;

namespace SupportBot.Staff;

/// <summary>Where the accounts generated on first start are kept when none are configured: <c>staff.json</c> in the
/// data folder (one instance), or one blob that every instance reads (Blob Storage), so an agent or admin signs in
/// with the same password whichever instance answers.</summary>
public interface IGeneratedStaffFile
{
    /// <summary>Where it is, for the message that shows the new passwords.</summary>
    string Location { get; }

    /// <summary>The file's content; null when it does not exist yet.</summary>
    string? TryRead();

    /// <summary>Writes <paramref name="json"/> unless the file exists; false when it did (another instance starting at
    /// the same moment made it first).</summary>
    bool CreateOnce(string json);
}

public sealed class LocalStaffFile(string path) : IGeneratedStaffFile
{
    public string Location => path;

    public bool CreateOnce(string json)
    {
        if (File.Exists(path))
        {
            return false;
        }
        File.WriteAllText(path, json);
        return true;
    }

    public string? TryRead() => File.Exists(path) ? File.ReadAllText(path) : null;
}

/// <summary>In the state container beside the shared playbook (state blob names never hold '/' or '.'). Only hashes
/// are stored. The calls are synchronous because the accounts are loaded once while the app is composed, before the
/// server takes requests and before the containers are checked, so this one makes sure its container exists.</summary>
public sealed class BlobStaffFile(BlobContainerClient container) : IGeneratedStaffFile
{
    public const string BlobName = "staff/accounts.json";

    private BlobClient Blob => container.GetBlobClient(BlobName);

    public string Location => Blob.Uri.ToString();

    public bool CreateOnce(string json) => Guard(() =>
    {
        container.CreateIfNotExists();
        try
        {
            Blob.Upload(BinaryData.FromString(json), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
            return true;
        }
        catch (RequestFailedException e) when (BlobFailures.IsConflict(e))
        {
            return false;
        }
    });

    public string? TryRead() => Guard(() =>
    {
        try
        {
            return Blob.DownloadContent().Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // no blob yet, or not even the container
        }
    });

    private T Guard<T>(Func<T> request)
    {
        try
        {
            return request();
        }
        catch (Exception e) when (BlobFailures.IsOutage(e, CancellationToken.None))
        {
            throw new InvalidOperationException($"The generated staff accounts at {Location} could not be read or created; check the Storage:Blob settings, or configure Staff:Accounts. {BlobFailures.Unavailable("The request", e).Message}", e);
        }
    }
}
