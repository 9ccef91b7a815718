using SupportBot.Agents;
using SupportBot.Storage;

namespace SupportBot.Scaleout;

/// <summary>Brings the other instances' changes here: a hub change wakes the agent consoles and the queue watcher
/// (after reading the agents' presence again), a stored activity wakes the streams of its conversation; and keeps
/// this instance's agent presence fresh in Redis.</summary>
public sealed class RedisFanout(RedisLink link, HubNotifications notifications, TranscriptFeed feed, AgentPresence presence,
    ILogger<RedisFanout> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Redis may be down at start-up: keep trying (the client restores subscriptions itself once they are made).
        while (true)
        {
            try
            {
                await link.ListenAsync(HubNotifications.FanoutChannel, async _ =>
                {
                    await presence.RefreshAsync();
                    notifications.RaiseHere();
                });
                await link.ListenAsync(TranscriptFeed.FanoutChannel, conversationId =>
                {
                    feed.WakeHere(conversationId);
                    return Task.CompletedTask;
                });
                break;
            }
            catch (Exception e) when (RedisLink.IsOutage(e))
            {
                logger.LogWarning("Redis is unreachable; this instance hears the others' changes once it is back: {Error}", e.Message);
                await Task.Delay(SharedPresence.Heartbeat, stoppingToken);
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            await presence.ShareAsync();
            await Task.Delay(SharedPresence.Heartbeat, stoppingToken);
        }
    }
}
