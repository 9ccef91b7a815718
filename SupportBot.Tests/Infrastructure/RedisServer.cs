using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A real redis-server (Debian's package; ./test.sh installs it) on a free loopback port, keeping nothing on
/// disk; it can be stopped and started again on the same port, as in an outage.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(Loopback.FreePort());
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("redis-server");
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(arg);
        }
        _process = await Loopback.StartListeningAsync(start, Port, TimeSpan.FromSeconds(15), "redis-server exited; is Debian's redis-server installed (./test.sh installs it)?");
    }

    /// <summary>Kills Redis outright, as a crash or a network cut looks to the bot.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
