using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SupportBot.Benchmarks;

/// <summary>One scripted turn: what the customer sends and a piece of text the bot's answer must contain.</summary>
public sealed record ScriptStep(string Type, string? Text, string Expect);

/// <summary>A conversation the load generator plays again and again, each time as a new customer.</summary>
public sealed record ConversationScript(string Name, IReadOnlyList<ScriptStep> Steps)
{
    private static readonly (string Type, string? Text)[] SupportTurns =
    [
        ("conversationUpdate", null),
        ("message", "my parcel hasnt arrived, order 123456"),
        ("message", "yes"),
        ("message", "yes"),
        ("message", "5"),
        ("message", "No comment"),
    ];

    /// <summary>The support conversation with the default playbook (and the JS SDK bot's equivalent waterfall):
    /// greeting by name, reflection, resolution, rating, comment, closing by name.</summary>
    public static readonly ConversationScript Support = new("support",
    [
        new("conversationUpdate", null, "Hi Jane, welcome!"),
        new("message", "my parcel hasnt arrived, order 123456", "Did I get that right?"),
        new("message", "yes", "Did that solve it?"),
        new("message", "yes", "how would you rate your experience"),
        new("message", "5", "No comment"),
        new("message", "No comment", "Thank you, Jane"),
    ]);

    /// <summary>The same six activities against the echo ceiling, which answers "Echo: {text or type}".</summary>
    public static readonly ConversationScript Echo = new("echo",
        SupportTurns.Select(t => new ScriptStep(t.Type, t.Text, EchoCeiling.ReplyText(t.Type, t.Text))).ToList());
}

/// <summary>What one measurement saw: turns that got a real bot reply, their latencies, and failures by kind.</summary>
public sealed class LoadResult
{
    public required int Concurrency { get; init; }
    public required double Seconds { get; init; }
    public required double[] LatenciesMs { get; init; } // sorted
    public required IReadOnlyDictionary<string, int> Failures { get; init; }
    public required IReadOnlyDictionary<string, string> FailureExamples { get; init; }
    public required int Conversations { get; init; }

    public int Turns => LatenciesMs.Length;
    public int FailureCount => Failures.Values.Sum();
    public double TurnsPerSecond => Turns / Seconds;
    public double P50 => Percentile(0.50);
    public double P90 => Percentile(0.90);
    public double P99 => Percentile(0.99);

    public double Percentile(double p) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Clamp((int)Math.Ceiling(p * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];
}

/// <summary>A closed-loop load generator: <c>concurrency</c> simulated customers, each playing the script turn by
/// turn against <c>POST /api/messages</c> with <c>deliveryMode: expectReplies</c> and waiting for each answer before
/// sending the next. A turn counts only when its answer holds a real bot message with the expected text; anything
/// else (an HTTP error, a timeout, no message, an apology, the wrong step) is a failure, and that customer starts a
/// new conversation. Only turns that start and end inside the measured window count.</summary>
public sealed class LoadGenerator(HttpClient http, Uri endpoint, ConversationScript script)
{
    public static HttpClient CreateClient(int maxConnections, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = timeout,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static long _runs;

    public async Task<LoadResult> RunAsync(int concurrency, TimeSpan rampUp, TimeSpan measured, CancellationToken cancellationToken = default)
    {
        var runId = $"r{Environment.ProcessId}x{Interlocked.Increment(ref _runs)}x{DateTime.UtcNow:HHmmss}";
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(rampUp.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(measured.TotalSeconds * Stopwatch.Frequency);
        var failures = new ConcurrentDictionary<string, int>();
        var examples = new ConcurrentDictionary<string, string>();
        var conversations = 0;

        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            for (var n = 0; Stopwatch.GetTimestamp() < windowEnd && !cancellationToken.IsCancellationRequested; n++)
            {
                var conversationId = $"{runId}-w{worker}-c{n}";
                var userId = $"{runId}-u{worker}-{n}";
                var begun = Stopwatch.GetTimestamp();
                if (begun >= windowStart)
                {
                    Interlocked.Increment(ref conversations);
                }
                foreach (var step in script.Steps)
                {
                    var sent = Stopwatch.GetTimestamp();
                    if (sent >= windowEnd)
                    {
                        break;
                    }
                    var failure = await TurnAsync(step, conversationId, userId, cancellationToken);
                    var done = Stopwatch.GetTimestamp();
                    var inWindow = sent >= windowStart && done <= windowEnd;
                    if (failure is null)
                    {
                        if (inWindow)
                        {
                            latencies.Add((done - sent) * 1000.0 / Stopwatch.Frequency);
                        }
                        continue;
                    }
                    if (inWindow)
                    {
                        failures.AddOrUpdate(failure.Value.Kind, 1, (_, c) => c + 1);
                        examples.TryAdd(failure.Value.Kind, $"step {script.Steps.ToList().IndexOf(step) + 1} ({step.Text ?? step.Type}): {failure.Value.Detail}");
                    }
                    break; // the conversation is off script: a new customer starts
                }
            }
            return latencies;
        }, CancellationToken.None)).ToArray();

        var all = (await Task.WhenAll(workers)).SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult
        {
            Concurrency = concurrency,
            Seconds = measured.TotalSeconds,
            LatenciesMs = all,
            Failures = new Dictionary<string, int>(failures),
            FailureExamples = new Dictionary<string, string>(examples),
            Conversations = conversations,
        };
    }

    /// <summary>Sends one turn; answers null when the bot answered as the script expects, else what went wrong.</summary>
    private async Task<(string Kind, string Detail)?> TurnAsync(ScriptStep step, string conversationId, string userId, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(Body(step, conversationId, userId)) };
            request.Content.Headers.ContentType = Json;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ($"http {(int)response.StatusCode}", Snippet(body));
            }
            return CheckReplies(body, step, userId);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("timeout", $"no answer within {http.Timeout.TotalSeconds:F0} s");
        }
        catch (HttpRequestException e)
        {
            return ("connection", e.Message);
        }
    }

    internal static (string Kind, string Detail)? CheckReplies(byte[] body, ScriptStep step, string userId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return ("not json", Snippet(body));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("activities", out var activities)
                || activities.ValueKind != JsonValueKind.Array)
            {
                return ("no activities", Snippet(body));
            }
            var texts = new List<string>();
            foreach (var activity in activities.EnumerateArray())
            {
                var isMessage = activity.TryGetProperty("type", out var type) && type.GetString() == "message";
                var fromBot = activity.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.Object
                    && from.TryGetProperty("id", out var fromId) && fromId.GetString() is { Length: > 0 } id && id != userId
                    && (!from.TryGetProperty("role", out var role) || role.GetString() is null or "bot");
                var addressed = activity.TryGetProperty("recipient", out var recipient) && recipient.ValueKind == JsonValueKind.Object
                    && recipient.TryGetProperty("id", out var recipientId) && recipientId.GetString() == userId;
                if (isMessage && fromBot && addressed && activity.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } t)
                {
                    texts.Add(t);
                }
            }
            if (texts.Count == 0)
            {
                return ("no bot message", Snippet(body));
            }
            if (texts.Any(t => t.Contains("something went wrong", StringComparison.OrdinalIgnoreCase)))
            {
                return ("apology", string.Join(" | ", texts));
            }
            if (!texts.Any(t => t.Contains(step.Expect, StringComparison.Ordinal)))
            {
                return ("unexpected reply", $"wanted '{step.Expect}', got: {string.Join(" | ", texts)}");
            }
            return null;
        }
    }

    internal static byte[] Body(ScriptStep step, string conversationId, string userId)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", step.Type);
            json.WriteString("id", Guid.NewGuid().ToString("N"));
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("channelId", "test");
            json.WriteString("serviceUrl", "http://127.0.0.1:1/");
            json.WriteString("deliveryMode", "expectReplies");
            json.WriteStartObject("conversation");
            json.WriteString("id", conversationId);
            json.WriteEndObject();
            json.WriteStartObject("from");
            json.WriteString("id", userId);
            json.WriteString("name", "Jane");
            json.WriteString("role", "user");
            json.WriteEndObject();
            json.WriteStartObject("recipient");
            json.WriteString("id", "bot");
            json.WriteString("name", "Bot");
            json.WriteEndObject();
            if (step.Type == "conversationUpdate")
            {
                json.WriteStartArray("membersAdded");
                json.WriteStartObject();
                json.WriteString("id", userId);
                json.WriteString("name", "Jane");
                json.WriteEndObject();
                json.WriteEndArray();
            }
            if (step.Text is not null)
            {
                json.WriteString("text", step.Text);
                json.WriteString("locale", "en-GB");
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string Snippet(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return text.Length == 0 ? "(empty body)" : text;
    }
}
