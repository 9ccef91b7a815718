using SupportBot.Scaleout;

namespace SupportBot.Agents;

/// <summary>After every change in the hub, tells waiting customers whose place in the queue moved up and posts new
/// requests to the Teams agents' channel (if there is one); and now and then
/// passes back to the queue what agents who went away were holding (<c>Handoff:AgentAbsentTimeout</c>). With several
/// instances every one watches, one at a time: each run reads what the one before stored, so nobody is told twice.</summary>
public sealed class QueueWatcher(HubNotifications notifications, AgentDesk desk, HubOptions options, TeamsAgentChannelOptions teams,
    TeamsAgentChannel teamsChannel, ILogger<QueueWatcher> logger, RedisLink? link = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var check = options.AgentAbsentTimeout / 2 < TimeSpan.FromSeconds(30) ? options.AgentAbsentTimeout / 2 : TimeSpan.FromSeconds(30);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.WhenAny(notifications.NextChange, Task.Delay(check, stoppingToken));
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                await using var alone = link is null ? null : await link.OneAtATimeAsync("queue-watcher", TimeSpan.FromMinutes(2), stoppingToken);
                await desk.ReturnAbandonedAsync(options.AgentAbsentTimeout);
                await desk.UpdatePositionsAsync();
                if (teams.Enabled)
                {
                    await teamsChannel.AnnounceAsync();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The queue could not be looked after; the next change tries again");
            }
        }
    }
}
