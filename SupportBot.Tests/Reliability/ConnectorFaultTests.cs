using System.Collections.Concurrent;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Reliability;

/// <summary>A Bot Connector that fails on cue: 500, 429 with Retry-After, no answer (a hang) or an answer after
/// the bot gave up on the attempt. It accepts each activity id once and counts repeats, as idempotency by id.</summary>
public sealed class FaultyConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _faults = new();

    public ConcurrentDictionary<string, int> Accepted { get; } = new(); // activity id → 1 once taken
    public int Repeats; // requests for an id already taken: recognised by id and not taken again
    public ConcurrentQueue<(string Id, string Answer, long At)> Attempts { get; } = new();
    public string ServiceUrl { get; private set; } = "";
    public string? Always { get; set; }

    private FaultyConnector(WebApplication app) => _app = app;

    /// <summary>Faults for the next requests, in order: "500", "429", "hang", "late" (accept, then answer too late).</summary>
    public void Fail(params string[] faults) => Array.ForEach(faults, _faults.Enqueue);

    public static async Task<FaultyConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var connector = new FaultyConnector(app);
        app.MapPost("/v3/conversations/{**rest}", async (HttpRequest request, CancellationToken aborted) =>
        {
            var activity = (await JsonSerializer.DeserializeAsync<Activity>(request.Body, BotJson.Options))!;
            var fault = connector.Always ?? (connector._faults.TryDequeue(out var next) ? next : "ok");
            connector.Attempts.Enqueue((activity.Id!, fault, Stopwatch.GetTimestamp()));
            switch (fault)
            {
                case "500":
                    return Results.Json(new { error = new { code = "ServiceError", message = "boom" } }, statusCode: 500);
                case "400":
                    return Results.Json(new { error = new { code = "BadArgument", message = "never" } }, statusCode: 400);
                case "429":
                    request.HttpContext.Response.Headers.RetryAfter = "1";
                    return Results.Json(new { error = new { code = "Throttled", message = "slow down" } }, statusCode: 429);
                case "hang":
                    await Task.Delay(TimeSpan.FromSeconds(5), aborted).ContinueWith(_ => { });
                    return Results.StatusCode(504);
                case "late":
                    connector.Accepted.AddOrUpdate(activity.Id!, 1, (_, n) => n); // taken, but the answer comes too late
                    await Task.Delay(TimeSpan.FromSeconds(5), aborted).ContinueWith(_ => { });
                    return Results.Json(new ResourceResponse(activity.Id!));
            }
            // Idempotent by activity id: a repeat of an id already taken is answered the same and not taken again.
            if (!connector.Accepted.TryAdd(activity.Id!, 1))
            {
                Interlocked.Increment(ref connector.Repeats);
            }
            return Results.Json(new ResourceResponse(activity.Id!));
        });
        await app.StartAsync();
        connector.ServiceUrl = app.Urls.First().TrimEnd('/') + "/";
        return connector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class ConnectorFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BotServer _bot = null!;
    private FaultyConnector _connector = null!;

    public async Task InitializeAsync()
    {
        _connector = await FaultyConnector.StartAsync();
        _bot = await BotServer.StartAsync(new Dictionary<string, string?>
        {
            ["Connector:AttemptTimeout"] = "00:00:01",
            ["Connector:BaseDelay"] = "00:00:00.100",
        });
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _connector.DisposeAsync();
    }

    [Theory]
    [InlineData("500", "500")]
    [InlineData("429", "")]
    [InlineData("hang", "")]
    [InlineData("late", "")]
    [InlineData("500", "429,hang")]
    public async Task Replies_are_retried_and_delivered_exactly_once_when_the_connector_recovers(string first, string then)
    {
        var conversationId = "faults-" + Guid.NewGuid().ToString("N");
        _connector.Fail([first, .. then.Split(',', StringSplitOptions.RemoveEmptyEntries)]);
        var clock = Stopwatch.StartNew();

        using var response = await _bot.PostActivityAsync(Activities.Message("my parcel hasnt arrived, order 123456", conversationId, serviceUrl: _connector.ServiceUrl));

        var attempts = _connector.Attempts.ToList();
        var ids = attempts.Select(a => a.Id).Distinct().ToList();
        output.WriteLine($"faults {first},{then}: HTTP {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms; attempts {attempts.Count} " +
            $"({string.Join(", ", attempts.Select(a => a.Answer))}); replies {ids.Count}, accepted {_connector.Accepted.Count}, repeats recognised by id {_connector.Repeats}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Exactly once: the turn's two replies each reached the connector, and every retry carried its reply's id.
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.True(_connector.Accepted.ContainsKey(id)));
        Assert.Equal(first == "late" ? 1 : 0, _connector.Repeats);
        Assert.True(attempts.Count > ids.Count, "a fault must have caused a retry");
        if (first == "429")
        {
            var gap = (attempts[1].At - attempts[0].At) / (double)Stopwatch.Frequency;
            Assert.True(gap >= 0.95, $"Retry-After: 1 was not honoured (retried after {gap:F2} s)");
        }
        using var stored = new StoredData(_bot.DataDirectory);
        Assert.DoesNotContain(stored.Undelivered(), u => u.ConversationId == conversationId);
    }

    [Theory]
    [InlineData("500", 4)]
    [InlineData("400", 1)] // a refusal is not retried
    public async Task A_permanent_failure_answers_502_keeps_the_replies_as_undelivered_and_the_conversation_goes_on(string fault, int expectedAttempts)
    {
        var conversationId = "dead-" + Guid.NewGuid().ToString("N");
        _connector.Always = fault;
        var sent = Activities.Message("my parcel hasnt arrived, order 123456", conversationId, serviceUrl: _connector.ServiceUrl);

        using var response = await _bot.PostActivityAsync(sent);
        var body = await response.Content.ReadAsStringAsync();
        _connector.Always = null;

        using (var stored = new StoredData(_bot.DataDirectory))
        {
            var undelivered = stored.Undelivered().Where(u => u.ConversationId == conversationId).ToList();
            output.WriteLine($"always {fault}: HTTP {(int)response.StatusCode}, attempts {_connector.Attempts.Count}, undelivered rows {undelivered.Count}: " +
                string.Join(" | ", undelivered.Select(u => $"{u.Attempts} attempts, {u.LastError}")));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Contains("ConnectorUnavailable", body);
            Assert.Equal(expectedAttempts, _connector.Attempts.Count);
            Assert.NotEmpty(undelivered);
            Assert.Equal(expectedAttempts, undelivered[0].Attempts);
            Assert.Contains($"HTTP {fault}", undelivered[0].LastError);
            var kept = undelivered.Select(u => BotJson.Deserialize<Activity>(u.Json)!).ToList();
            Assert.All(kept, a => Assert.Equal(sent.Id, a.ReplyToId));
            Assert.Contains("Hi Jane", kept[0].Text);
            Assert.Contains("#123456", kept[^1].Text); // the whole turn's answer is kept, in order
            Assert.Empty(_connector.Accepted);
        }

        // The turn loop is fine: the next message continues from the stored turn and is delivered.
        using var next = await _bot.PostActivityAsync(Activities.Message("yes", conversationId, serviceUrl: _connector.ServiceUrl));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Contains(_connector.Accepted.Keys, id => true);
        using var health = await _bot.Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
