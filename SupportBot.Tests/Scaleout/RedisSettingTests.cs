using SupportBot.Scaleout;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Scaleout;

public sealed class RedisSettingTests
{
    [Theory]
    [InlineData("127.0.0.1:6379,colour=blue")]
    [InlineData(",")]
    public void A_bad_connection_string_stops_start_up_naming_the_setting(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SupportBotApp.Build(["--Redis:ConnectionString", connectionString]));
        Assert.Contains("Redis:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_reachable_redis_the_bot_starts_and_keeps_answering()
    {
        await using var bot = await BotProcess.StartAsync(new Dictionary<string, string?> { ["Redis:ConnectionString"] = $"127.0.0.1:{Loopback.FreePort()}" });
        await Task.Delay(SharedPresence.Heartbeat * 1.5); // its subscriptions and presence heartbeats have failed meanwhile
        var conversation = "no-redis-" + Guid.NewGuid().ToString("N");
        var step = SupportBot.Tests.Reliability.SupportScript.Steps(307070)[0];
        var sent = SupportBot.Tests.Reliability.SupportScript.ActivityFor(step, conversation, Guid.NewGuid().ToString("N"));
        var outcome = await SupportBot.Tests.Reliability.SupportScript.ExchangeAsync(bot.Http, new Uri(bot.BaseUrl, "api/messages"), sent);
        Assert.True(outcome.Ok, outcome.Error);
        Assert.Null(SupportBot.Tests.Reliability.SupportScript.Check(step, sent, outcome.Replies));
    }

    [Fact]
    public async Task Instances_take_turns_at_work_that_must_not_run_twice_at_once()
    {
        await using var redis = await RedisServer.StartAsync();
        var options = new RedisOptions { ConnectionString = redis.ConnectionString }.Validate();
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisLink>.Instance;
        await using var one = new RedisLink(options, logger);
        await using var two = new RedisLink(options, logger);
        int running = 0, most = 0, done = 0;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using (await (i % 2 == 0 ? one : two).OneAtATimeAsync("test", TimeSpan.FromMinutes(1), CancellationToken.None))
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Yield();
                await Task.Delay(10);
                Interlocked.Decrement(ref running);
                Interlocked.Increment(ref done);
            }
        }));
        Assert.Equal(20, done);
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task A_hold_is_kept_while_its_work_runs_longer_than_its_time()
    {
        await using var redis = await RedisServer.StartAsync();
        var options = new RedisOptions { ConnectionString = redis.ConnectionString }.Validate();
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisLink>.Instance;
        await using var one = new RedisLink(options, logger);
        await using var two = new RedisLink(options, logger);

        // Renewed every third of its time: seconds of margin, so a loaded machine's late timers do not let it lapse.
        var held = await one.OneAtATimeAsync("slow", TimeSpan.FromSeconds(4), CancellationToken.None);
        var waiting = two.OneAtATimeAsync("slow", TimeSpan.FromSeconds(4), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(10)); // two and a half times the hold's time: it would have lapsed unrenewed
        var tookItMeanwhile = waiting.IsCompleted;
        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(tookItMeanwhile);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
