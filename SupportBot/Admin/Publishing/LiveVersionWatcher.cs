using Azure;
using SupportBot.Admin.Versions;
using SupportBot.Dialogs.State;
using SupportBot.Storage.Blob;

namespace SupportBot.Admin.Publishing;

/// <summary>With several instances on Blob Storage, a version published on one must reach the customers of all. Each
/// instance asks every <see cref="BlobStorageOptions.LivePlaybookCheck"/> whether the live pointer changed (a
/// conditional request answered 304 while it did not) and, when a newer version is out, swaps it in off the request
/// path as a publish here would. A storage outage only delays the swap.</summary>
public sealed class LiveVersionWatcher(BlobPlaybookVersions versions, LivePublisher publisher, BlobStorageOptions options, TimeProvider clock,
    ILogger<LiveVersionWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ETag? seen = null;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LivePlaybookCheck, clock, stoppingToken);
                if (await versions.LiveChangedSinceAsync(seen, stoppingToken) is { } changed)
                {
                    if (await versions.LatestAsync(stoppingToken) is { } latest && latest.Number > publisher.RequestedVersion)
                    {
                        await publisher.SwitchTo(latest);
                    }
                    seen = changed; // only once handled: a failure above is retried on the next check
                }
                failing = false;
            }
            catch (StorageUnavailableException e)
            {
                if (!failing)
                {
                    logger.LogWarning("Cannot check for a newly published playbook; customers stay on version {Live} until storage answers: {Problem}", publisher.LiveVersion, e.Message);
                }
                failing = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
