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
        try
        {
            await link.ListenAsync(HubNotifications.Channel, async _ =>
            {
                await presence.RefreshAsync();
                notifications.RaiseHere();
            });
            await link.ListenAsync(TranscriptFeed.Channel, conversationId =>
            {
                feed.WakeHere(conversationId);
                return Task.CompletedTask;
            });
        }
        catch (StackExchange.Redis.RedisException e)
        {
            logger.LogError("Redis is unreachable: this instance does not hear the others' changes until it restarts: {Error}", e.Message);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            await presence.ShareAsync();
            await Task.Delay(SharedPresence.Heartbeat, stoppingToken);
        }
    }
}
