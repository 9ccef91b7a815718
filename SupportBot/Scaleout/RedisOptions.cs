using StackExchange.Redis;

namespace SupportBot.Scaleout;

/// <summary>Section <c>Redis</c>: the Redis every instance shares for live updates. Without it the bot runs as one
/// instance, everything in-process.</summary>
public sealed record RedisOptions
{
    /// <summary>A StackExchange.Redis connection string, e.g. <c>host:6380,password=...,ssl=True</c>.</summary>
    public string? ConnectionString { get; init; }

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The client's configuration; it never gives up on an unreachable Redis (the bot starts and runs
    /// without it, and connects when it can).</summary>
    public ConfigurationOptions Configuration()
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(ConnectionString!);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Redis:ConnectionString is not a valid Redis connection string: {e.Message}", e);
        }
        if (parsed.EndPoints.Count == 0)
        {
            throw new InvalidOperationException("Redis:ConnectionString names no Redis server (expected host:port).");
        }
        parsed.AbortOnConnectFail = false;
        return parsed;
    }

    public RedisOptions Validate()
    {
        if (Enabled)
        {
            Configuration();
        }
        return this;
    }
}
