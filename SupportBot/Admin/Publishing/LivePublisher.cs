using SupportBot.Admin.Versions;
using SupportBot.Playbooks;

namespace SupportBot.Admin.Publishing;

/// <summary>Switches customers to a published version. The recogniser is trained off the request, then swapped in with
/// the playbook in one write (<see cref="PlaybookHost.TryPublish"/>); until then every turn runs on the previous
/// version, so no turn waits or fails. Swaps happen one at a time, and a version overtaken by a newer publish is
/// skipped, so the newest always ends up live.</summary>
public sealed class LivePublisher(PlaybookHost host, ILogger<LivePublisher> logger)
{
    private readonly SemaphoreSlim _swap = new(1, 1);
    private int _requested;
    private volatile int _live;
    private Task _pending = Task.CompletedTask;

    /// <summary>The version customers are on; 0 while that is the playbook the server started with.</summary>
    public int LiveVersion => _live;

    /// <summary>The newest version asked for; equal to <see cref="LiveVersion"/> once it is swapped in.</summary>
    public int RequestedVersion => Volatile.Read(ref _requested);

    /// <summary>The last swap started, for callers (tests, start-up) that must wait for it.</summary>
    public Task Pending => _pending;

    public Task SwitchTo(PlaybookVersion version)
    {
        int requested;
        do
        {
            requested = Volatile.Read(ref _requested);
        }
        while (version.Number > requested && Interlocked.CompareExchange(ref _requested, version.Number, requested) != requested);
        return _pending = Task.Run(() => SwapAsync(version));
    }

    private async Task SwapAsync(PlaybookVersion version)
    {
        await _swap.WaitAsync();
        try
        {
            if (version.Number < RequestedVersion)
            {
                return; // a newer publish is queued behind this one
            }
            var problems = host.TryPublish(version.Json);
            if (problems.Count > 0)
            {
                // Checked before it was stored, so only a change to the rules themselves gets here: keep the last good one.
                logger.LogError("Version {Version} was not put live: {Problems}", version.Number, string.Join("; ", problems));
                return;
            }
            _live = version.Number;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Training the recogniser for version {Version} failed; customers stay on version {Live}", version.Number, _live);
        }
        finally
        {
            _swap.Release();
        }
    }
}

/// <summary>After a restart customers get the newest published version, not the playbook file the server was started
/// with. Runs before the server takes requests (the model is usually cached on disk, so this is quick).</summary>
public sealed class LivePlaybookRestore(IPlaybookVersions versions, LivePublisher publisher) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await versions.LatestAsync(cancellationToken) is { } latest)
        {
            await publisher.SwitchTo(latest);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
