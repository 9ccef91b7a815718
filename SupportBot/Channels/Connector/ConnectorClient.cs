using Stopwatch = System.Diagnostics.Stopwatch;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Channels.Connector;

/// <summary>How hard the bot tries to deliver a reply to the Bot Connector (configuration section <c>Connector</c>).</summary>
public sealed record ConnectorRetryOptions
{
    /// <summary>Attempts per reply, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>How long one attempt may wait for the connector's answer.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first back-off; it doubles on each retry (with ±20 % jitter).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No retry starts after this much time has gone on one reply.</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(30);

    public ConnectorRetryOptions Validate() =>
        MaxAttempts is < 1 or > 10 ? throw new InvalidOperationException($"Connector:MaxAttempts must be between 1 and 10; it is {MaxAttempts}.")
        : AttemptTimeout <= TimeSpan.Zero ? throw new InvalidOperationException("Connector:AttemptTimeout must be positive.")
        : BaseDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero || TotalBudget <= TimeSpan.Zero
            ? throw new InvalidOperationException("Connector:BaseDelay, MaxRetryAfter and TotalBudget must not be negative.")
        : this;
}

/// <summary>A reply the Bot Connector did not take after every attempt; it is kept in the <c>undelivered</c> table.</summary>
public sealed class ReplyDeliveryException(string message, Exception? inner = null, HttpStatusCode? status = null)
    : HttpRequestException(message, inner, status);

/// <summary>Sends the bot's replies to the channel through the Bot Connector REST API at the activity's serviceUrl.
/// A failed attempt (connection error, timeout, 408, 429 or a transient 5xx) is retried with back-off, honouring
/// <c>Retry-After</c>, within one time budget for the whole turn. Every attempt carries the same activity id; the
/// Bot Connector does not de-duplicate, so an attempt that timed out after arriving can still show twice. A reply
/// that cannot be delivered, and the replies of the same turn after it, are recorded as undelivered.</summary>
public sealed class ConnectorClient(HttpClient http, BotTokenProvider tokens, ConnectorRetryOptions options, UndeliveredReplies undelivered, ILogger<ConnectorClient> logger)
{
    public Task SendAsync(Activity reply, CancellationToken cancellationToken) => SendAllAsync([reply], cancellationToken);

    /// <summary>Sends the turn's replies in order; after a permanent failure the rest are not sent (their order
    /// would be wrong) but recorded with it.</summary>
    public async Task SendAllAsync(IReadOnlyList<Activity> replies, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp(); // one budget for the turn, however many replies it has
        for (var i = 0; i < replies.Count; i++)
        {
            var (attempts, error) = await TrySendAsync(replies[i], started, cancellationToken);
            if (error is null)
            {
                continue;
            }
            logger.LogError("Reply {ActivityId} to conversation {ConversationId} was not delivered after {Attempts} attempt(s): {Error}",
                replies[i].Id, replies[i].Conversation?.Id, attempts, error);
            List<UndeliveredReplies.Entry> entries = [new(replies[i], attempts, error)];
            entries.AddRange(replies.Skip(i + 1).Select(r => new UndeliveredReplies.Entry(r, 0, "Not sent: an earlier reply of the same turn could not be delivered.")));
            await undelivered.RecordAsync(entries);
            throw new ReplyDeliveryException($"The Bot Connector at {replies[i].ServiceUrl} did not take the reply after {attempts} attempt(s): {error}");
        }
    }

    /// <summary>Answers the attempts made and null when delivered, else the last error.</summary>
    private async Task<(int Attempts, string? Error)> TrySendAsync(Activity reply, long started, CancellationToken cancellationToken)
    {
        var serviceUrl = reply.ServiceUrl ?? throw new InvalidOperationException("The reply has no serviceUrl.");
        var conversationId = reply.Conversation?.Id ?? throw new InvalidOperationException("The reply has no conversation.id.");
        reply.Id ??= Activity.NewId(); // the same id on every attempt
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities";
        if (reply.ReplyToId is { } replyTo)
        {
            path += "/" + Uri.EscapeDataString(replyTo);
        }
        var uri = new Uri(new Uri(serviceUrl.TrimEnd('/') + "/"), path);
        for (var attempt = 1; ; attempt++)
        {
            string error;
            TimeSpan? retryAfter = null;
            var retryable = true;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(options.AttemptTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(reply, options: BotJson.Options) };
                if (await tokens.GetTokenAsync(attemptTimeout.Token) is { } token)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                using var response = await http.SendAsync(request, attemptTimeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return (attempt, null);
                }
                var body = await response.Content.ReadAsStringAsync(attemptTimeout.Token);
                var status = (int)response.StatusCode;
                error = $"HTTP {status}: {(body.Length > 500 ? body[..500] + "…" : body)}";
                retryable = status is 408 or 429 or 500 or 502 or 503 or 504; // 501, 505 and the like will not change
                retryAfter = RetryAfter(response.Headers.RetryAfter);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"No answer within {options.AttemptTimeout.TotalSeconds:0.###} s.";
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (Microsoft.Identity.Client.MsalException e)
            {
                error = $"The bot's token could not be obtained: {e.Message}";
                retryable = e is Microsoft.Identity.Client.MsalServiceException { StatusCode: >= 500 or 429 };
            }
            if (!retryable || attempt >= options.MaxAttempts)
            {
                return (attempt, error);
            }
            if (retryAfter > options.MaxRetryAfter)
            {
                return (attempt, error + $" (gave up: the connector asked to wait {retryAfter.Value.TotalSeconds:0.###} s)");
            }
            var delay = retryAfter ?? options.BaseDelay * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
            if (Stopwatch.GetElapsedTime(started) + delay + options.AttemptTimeout > options.TotalBudget)
            {
                return (attempt, error + $" (gave up: the next retry would pass the {options.TotalBudget.TotalSeconds:0.###} s budget)");
            }
            logger.LogWarning("Reply {ActivityId} attempt {Attempt} failed ({Error}); retrying in {Delay} ms", reply.Id, attempt, error, (int)delay.TotalMilliseconds);
            await Task.Delay(delay, cancellationToken);
        }
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) =>
        header?.Delta is { } delta ? (delta < TimeSpan.Zero ? TimeSpan.Zero : delta)
        : header?.Date is { } date ? (date - DateTimeOffset.UtcNow is var until && until > TimeSpan.Zero ? until : TimeSpan.Zero)
        : null;
}
