using Microsoft.Extensions.Logging.Abstractions;
using SupportBot.Agents;
using SupportBot.Scaleout;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Scaleout;

public sealed class SharedPresenceTests
{
    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }

    [Fact]
    public async Task An_instance_that_cannot_reach_redis_takes_no_agent_of_another_instance_for_gone()
    {
        await using var redis = await RedisServer.StartAsync();
        var options = new RedisOptions { ConnectionString = redis.ConnectionString }.Validate();
        await using var linkA = new RedisLink(options, NullLogger<RedisLink>.Instance);
        await using var linkB = new RedisLink(options, NullLogger<RedisLink>.Instance);
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var onA = new AgentPresence(new HubNotifications(), clock, new SharedPresence(linkA, NullLogger<SharedPresence>.Instance));
        var onB = new AgentPresence(new HubNotifications(), clock, new SharedPresence(linkB, NullLogger<SharedPresence>.Instance));
        using var console = onB.Connect("alice");
        // Opening a console shares it in the background: wait for that write, which would otherwise race the clock
        // below (written after it moves, it would say B had just been seen).
        await onA.RefreshAsync();
        for (var wait = 0; wait < 400 && onA.StatusOf("alice") == AgentPresence.Away; wait++)
        {
            await Task.Delay(25);
            await onA.RefreshAsync();
        }
        Assert.Equal(AgentPresence.Available, onA.StatusOf("alice"));
        Assert.Equal(TimeSpan.Zero, onA.AbsentFor("alice"));

        // Redis reachable, B silent for ten minutes: B is gone, and so is Alice's console with it.
        clock.Advance(TimeSpan.FromMinutes(10));
        await onA.RefreshAsync();
        Assert.True(onA.AbsentFor("alice") >= TimeSpan.FromMinutes(9));

        // B writes again, then Redis goes away: A cannot see B any more, and must not take Alice for gone.
        await onB.ShareAsync();
        await onA.RefreshAsync();
        Assert.Equal(TimeSpan.Zero, onA.AbsentFor("alice"));
        await redis.StopAsync();
        clock.Advance(TimeSpan.FromMinutes(10));
        await onA.RefreshAsync();
        Assert.Equal(TimeSpan.Zero, onA.AbsentFor("alice"));
    }
}
