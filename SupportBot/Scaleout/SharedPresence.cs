using System.Text.Json;
using StackExchange.Redis;

namespace SupportBot.Scaleout;

/// <summary>Agent presence as every instance sees it, in Redis: which agents each instance has a console open for
/// (rewritten by the instance every <see cref="Heartbeat"/>), each agent's status, and when each agent's last
/// console closed. An instance that stops rewriting its list is gone: its agents count as closed from its last write.</summary>
public sealed class SharedPresence(RedisLink link, ILogger<SharedPresence> logger)
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Gone = Heartbeat * 4;
    private static readonly RedisKey Open = RedisLink.Key("presence:open");
    private static readonly RedisKey Status = RedisLink.Key("presence:status");
    private static readonly RedisKey Left = RedisLink.Key("presence:left");

    /// <summary>What the other instances hold: agents with a console open, statuses, and when each was last seen.</summary>
    public sealed record View(IReadOnlySet<string> Open, IReadOnlyDictionary<string, string> Status, IReadOnlyDictionary<string, DateTimeOffset> LastSeen);

    private sealed record InstanceEntry(long At, string[] Agents);

    /// <summary>Writes this instance's open consoles, and a status or a console closing if given; false when Redis is unreachable.</summary>
    public async Task<bool> WriteAsync(IReadOnlyCollection<string> openHere, (string Agent, string Status)? status, (string Agent, DateTimeOffset At)? left, DateTimeOffset now)
    {
        try
        {
            var batch = link.Database.CreateBatch();
            var writes = new List<Task>
            {
                batch.HashSetAsync(Open, link.Instance, JsonSerializer.Serialize(new InstanceEntry(now.ToUnixTimeMilliseconds(), [.. openHere]))),
            };
            if (status is var (agent, value))
            {
                writes.Add(batch.HashSetAsync(Status, agent.ToLowerInvariant(), value));
            }
            if (left is var (who, at))
            {
                writes.Add(batch.HashSetAsync(Left, who.ToLowerInvariant(), at.ToUnixTimeMilliseconds()));
            }
            batch.Execute();
            await Task.WhenAll(writes);
            return true;
        }
        catch (Exception e) when (RedisLink.IsOutage(e))
        {
            logger.LogWarning("Redis is unreachable; agent presence is not shared with the other instances: {Error}", e.Message);
            return false;
        }
    }

    /// <summary>The other instances' view; null when Redis is unreachable (the caller then knows only its own consoles).</summary>
    public async Task<View?> ReadAsync(DateTimeOffset now)
    {
        try
        {
            var instances = link.Database.HashGetAllAsync(Open);
            var statuses = link.Database.HashGetAllAsync(Status);
            var left = link.Database.HashGetAllAsync(Left);
            var open = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var lastSeen = (await left).ToDictionary(e => (string)e.Name!, e => DateTimeOffset.FromUnixTimeMilliseconds((long)e.Value), StringComparer.OrdinalIgnoreCase);
            foreach (var entry in await instances)
            {
                if (entry.Name == link.Instance || JsonSerializer.Deserialize<InstanceEntry>((string)entry.Value!) is not { } instance)
                {
                    continue;
                }
                var at = DateTimeOffset.FromUnixTimeMilliseconds(instance.At);
                if (now - at < Gone)
                {
                    open.UnionWith(instance.Agents);
                    continue;
                }
                foreach (var agent in instance.Agents)
                {
                    lastSeen[agent] = lastSeen.TryGetValue(agent, out var seen) && seen > at ? seen : at;
                }
                if (now - at > TimeSpan.FromDays(1))
                {
                    // Long gone: its agents' last sight moves to Left, so the hash does not grow with every restart.
                    foreach (var agent in instance.Agents)
                    {
                        await link.Database.HashSetAsync(Left, agent.ToLowerInvariant(), lastSeen[agent].ToUnixTimeMilliseconds());
                    }
                    await link.Database.HashDeleteAsync(Open, entry.Name);
                }
            }
            return new View(open, (await statuses).ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.OrdinalIgnoreCase), lastSeen);
        }
        catch (Exception e) when (RedisLink.IsOutage(e) || e is JsonException)
        {
            logger.LogWarning("Redis is unreachable; only this instance's agents count as present: {Error}", e.Message);
            return null;
        }
    }
}
