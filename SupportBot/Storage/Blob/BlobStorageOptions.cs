using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace SupportBot.Storage.Blob;

/// <summary>The <c>Storage:Blob</c> settings, checked once at start-up. Either a connection string (development,
/// Azurite) or the account's URL with a managed identity (production: no secret in the settings).</summary>
public sealed partial record BlobStorageOptions
{
    public string? ConnectionString { get; init; }

    /// <summary>For example https://myaccount.blob.core.windows.net; authenticated with <see cref="ManagedIdentityClientId"/>.</summary>
    public string? AccountUrl { get; init; }

    /// <summary>A user-assigned managed identity's client id. Without it, DefaultAzureCredential finds one (the app's
    /// system-assigned identity in Azure, the developer's Azure CLI login on a workstation).</summary>
    public string? ManagedIdentityClientId { get; init; }

    public string StateContainer { get; init; } = "botstate";

    public string TranscriptContainer { get; init; } = "transcripts";

    /// <summary>The agents' handoff queue, follow-ups and notes.</summary>
    public string HandoffContainer { get; init; } = "handoffs";

    /// <summary>The self-hosted Direct Line's conversations and the files customers attach.</summary>
    public string DirectLineContainer { get; init; } = "directline";

    /// <summary>How long one request may take. Short, so an outage costs a turn seconds, not minutes: the customer
    /// gets the apology with choices quickly and can try again.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt, with a short exponential back-off.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>How often each instance checks for a playbook published on another: the longest a customer there
    /// still hears the previous version (plus the training). One small conditional request each time.</summary>
    public TimeSpan LivePlaybookCheck { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Fails fast, naming the setting that is wrong.</summary>
    public BlobStorageOptions Validate()
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasAccountUrl = !string.IsNullOrWhiteSpace(AccountUrl);
        if (hasConnectionString == hasAccountUrl)
        {
            throw new InvalidOperationException(
                "Storage:Provider is Blob: set exactly one of Storage:Blob:ConnectionString (development, Azurite) and Storage:Blob:AccountUrl (with a managed identity).");
        }
        if (hasAccountUrl && !(Uri.TryCreate(AccountUrl, UriKind.Absolute, out var url) && (url.Scheme == "https" || url.IsLoopback)))
        {
            throw new InvalidOperationException($"Storage:Blob:AccountUrl must be an absolute https URL such as https://myaccount.blob.core.windows.net; it is '{AccountUrl}'.");
        }
        if (hasConnectionString)
        {
            try
            {
                _ = new BlobServiceClient(ConnectionString);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Storage:Blob:ConnectionString is not a storage connection string: {e.Message}", e);
            }
        }
        if (!string.IsNullOrWhiteSpace(ManagedIdentityClientId) && !Guid.TryParse(ManagedIdentityClientId, out _))
        {
            throw new InvalidOperationException($"Storage:Blob:ManagedIdentityClientId must be a client id (a GUID); it is '{ManagedIdentityClientId}'.");
        }
        CheckContainer("Storage:Blob:StateContainer", StateContainer);
        CheckContainer("Storage:Blob:TranscriptContainer", TranscriptContainer);
        CheckContainer("Storage:Blob:HandoffContainer", HandoffContainer);
        CheckContainer("Storage:Blob:DirectLineContainer", DirectLineContainer);
        if (new[] { StateContainer, TranscriptContainer, HandoffContainer, DirectLineContainer }.Distinct().Count() < 4)
        {
            throw new InvalidOperationException("Storage:Blob:StateContainer, TranscriptContainer, HandoffContainer and DirectLineContainer must be four different containers.");
        }
        if (NetworkTimeout <= TimeSpan.Zero || NetworkTimeout > TimeSpan.FromMinutes(2))
        {
            throw new InvalidOperationException($"Storage:Blob:NetworkTimeout must be more than zero and at most 00:02:00; it is {NetworkTimeout}.");
        }
        if (LivePlaybookCheck < TimeSpan.FromMilliseconds(100) || LivePlaybookCheck > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"Storage:Blob:LivePlaybookCheck must be 00:00:00.1 to 00:05:00; it is {LivePlaybookCheck}.");
        }
        if (MaxRetries is < 0 or > 10)
        {
            throw new InvalidOperationException($"Storage:Blob:MaxRetries must be 0 to 10; it is {MaxRetries}.");
        }
        return this;
    }

    public BlobServiceClient CreateClient()
    {
        // The newest REST version Azurite (the tests' storage) serves; Azure serves it too, so what is tested is what runs.
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = NetworkTimeout;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new BlobServiceClient(ConnectionString, options);
        }
        TokenCredential credential = string.IsNullOrWhiteSpace(ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ManagedIdentityClientId));
        return new BlobServiceClient(new Uri(AccountUrl!), credential, options);
    }

    /// <summary>Azure's container rules: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with
    /// a letter or digit.</summary>
    private static void CheckContainer(string setting, string name)
    {
        if (name.Length is < 3 or > 63 || !ContainerPattern().IsMatch(name))
        {
            throw new InvalidOperationException($"{setting} must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit; it is '{name}'.");
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")]
    private static partial Regex ContainerPattern();
}
