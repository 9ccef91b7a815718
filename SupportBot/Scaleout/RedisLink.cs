using StackExchange.Redis;

namespace SupportBot.Scaleout;

/// <summary>This instance's connection to the Redis all instances share. It never stops the bot: while Redis is
/// unreachable the client reconnects in the background, signals are lost (logged) and callers carry on alone.</summary>
public sealed class RedisLink : IAsyncDisposable
{
    private const string Prefix = "supportbot:";
    private readonly ILogger<RedisLink> _logger;

    public RedisLink(RedisOptions options, ILogger<RedisLink> logger)
    {
        _logger = logger;
        Connection = ConnectionMultiplexer.Connect(options.Configuration());
    }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    /// <summary>Names this process among the instances, for the one-at-a-time lock and the presence it shares.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public static RedisKey Key(string name) => Prefix + name;

    /// <summary>Redis unreachable or too slow: callers carry on without it.</summary>
    public static bool IsOutage(Exception e) => e is RedisException or TimeoutException;

    /// <summary>Tells the other instances; this one acts on its own change without waiting for Redis.</summary>
    public void Publish(string channel, string message)
    {
        try
        {
            Connection.GetSubscriber().Publish(RedisChannel.Literal(Prefix + channel), Instance + "|" + message, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (IsOutage(e))
        {
            _logger.LogWarning("Redis is unreachable; the other instances miss a {Channel} signal: {Error}", channel, e.Message);
        }
    }

    /// <summary>Calls <paramref name="handler"/> with what the other instances publish on the channel. The client
    /// subscribes again by itself after reconnecting.</summary>
    public Task ListenAsync(string channel, Func<string, Task> handler) =>
        Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Prefix + channel), async (_, value) =>
        {
            var text = (string?)value ?? "";
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && text[..bar] != Instance)
            {
                try
                {
                    await handler(text[(bar + 1)..]);
                }
                catch (Exception e)
                {
                    // Runs on the client's own thread with nobody to catch it: a failure here must not end the process.
                    _logger.LogError(e, "Handling a signal on {Channel} failed", channel);
                }
            }
        });

    /// <summary>Waits until no other instance holds <paramref name="name"/>, then holds it until disposed, renewing it
    /// while the work runs (should this process die, it lapses after <paramref name="longest"/>). With Redis unreachable it answers at once: the work runs
    /// here regardless, which is right for a single instance and at worst doubled with several.</summary>
    public async Task<IAsyncDisposable> OneAtATimeAsync(string name, TimeSpan longest, CancellationToken cancellationToken)
    {
        var key = Key("lock:" + name);
        var token = Guid.NewGuid().ToString("N");
        try
        {
            while (!await Database.LockTakeAsync(key, token, longest))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
        catch (Exception e) when (IsOutage(e))
        {
            _logger.LogWarning("Redis is unreachable; {Name} runs without checking the other instances: {Error}", name, e.Message);
            return new Held(null);
        }
        var working = new CancellationTokenSource();
        var renewing = RenewAsync(key, token, longest, working.Token);
        return new Held(async () =>
        {
            await working.CancelAsync();
            await renewing;
            working.Dispose();
            try
            {
                await Database.LockReleaseAsync(key, token);
            }
            catch (Exception e) when (IsOutage(e))
            {
                // it expires by itself
            }
        });
    }

    private async Task RenewAsync(RedisKey key, string token, TimeSpan longest, CancellationToken working)
    {
        try
        {
            while (true)
            {
                await Task.Delay(longest / 3, working);
                await Database.LockExtendAsync(key, token, longest);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (IsOutage(e))
        {
            _logger.LogWarning("Redis is unreachable; the hold on {Key} may lapse while its work runs: {Error}", (string?)key, e.Message);
        }
    }

    private sealed class Held(Func<Task>? release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (release is not null)
            {
                await release();
            }
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
