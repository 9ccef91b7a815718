using Azure.Storage.Blobs;

namespace SupportBot.Storage.Blob;

/// <summary>The containers of the Blob provider. Start-up makes sure they exist (the deployment
/// templates create them; Azurite starts empty), which is also the first check that the account can be reached with
/// the configured credentials: a wrong URL or a missing role stops start-up with the setting to look at.</summary>
public sealed class BlobContainers(BlobStorageOptions options) : IHostedService
{
    private readonly BlobServiceClient _service = options.CreateClient();

    public BlobContainerClient State => _service.GetBlobContainerClient(options.StateContainer);

    public BlobContainerClient Transcripts => _service.GetBlobContainerClient(options.TranscriptContainer);

    public BlobContainerClient Handoffs => _service.GetBlobContainerClient(options.HandoffContainer);

    public BlobContainerClient DirectLine => _service.GetBlobContainerClient(options.DirectLineContainer);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var container in new[] { State, Transcripts, Handoffs, DirectLine })
        {
            try
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception e) when (BlobFailures.IsOutage(e, cancellationToken))
            {
                var setting = string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? "Storage:Blob:AccountUrl and Storage:Blob:ManagedIdentityClientId (the identity needs the Storage Blob Data Contributor role)"
                    : "Storage:Blob:ConnectionString";
                throw new InvalidOperationException($"The blob container '{container.Name}' at {container.Uri} could not be reached or created; check {setting}. {BlobFailures.Unavailable("Creating it", e).Message}", e);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
