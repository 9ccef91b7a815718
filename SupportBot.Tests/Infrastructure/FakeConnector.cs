using Microsoft.AspNetCore.Hosting;
using System.Threading.Channels;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A Bot Connector on loopback that records what the bot posts to it.</summary>
public sealed class FakeConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    /// <param name="RawTarget">The request target exactly as sent, escapes included.</param>
    public sealed record Received(string Path, string? Authorization, Activity Activity, string RawTarget = "");

    private FakeConnector(WebApplication app) => _app = app;

    public string ServiceUrl { get; private set; } = "";

    public static async Task<FakeConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var connector = new FakeConnector(app);
        async Task<IResult> Receive(HttpRequest request)
        {
            var activity = await JsonSerializer.DeserializeAsync<Activity>(request.Body, BotJson.Options);
            var rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
            await connector._received.Writer.WriteAsync(new Received(request.Path.ToString(), request.Headers.Authorization.FirstOrDefault(), activity!, rawTarget));
            return Results.Json(new ResourceResponse(Guid.NewGuid().ToString("N")));
        }
        app.MapPost("/v3/conversations/{**rest}", Receive);
        // Teams' serviceUrls have a region path, such as https://smba.trafficmanager.net/emea/.
        app.MapPost("/{region}/v3/conversations/{**rest}", Receive);
        await app.StartAsync();
        connector.ServiceUrl = app.Urls.First().TrimEnd('/') + "/";
        return connector;
    }

    /// <summary>Everything posted so far and not yet read. The bot posts a turn's replies before it answers the
    /// channel's request, so after a POST to /api/messages returns, its replies are all here.</summary>
    public IReadOnlyList<Received> Drain()
    {
        List<Received> all = [];
        while (_received.Reader.TryRead(out var received))
        {
            all.Add(received);
        }
        return all;
    }

    /// <summary>Waits for the next activity the bot posted.</summary>
    public async Task<Received> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Waits for the next activity the bot posted to <paramref name="conversationId"/>, skipping others.</summary>
    public async Task<Received> NextAsync(string conversationId)
    {
        while (true)
        {
            var received = await NextAsync();
            if (received.Activity.Conversation?.Id == conversationId)
            {
                return received;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
