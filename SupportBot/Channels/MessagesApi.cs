using System.Text.Json;
using SupportBot.Channels.Auth;
using SupportBot.Channels.Connector;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;

namespace SupportBot.Channels;

/// <summary><c>POST /api/messages</c>: activities from Azure Bot Service, Teams, the Emulator and the Agents Playground.</summary>
public static class MessagesApi
{
    public const string Path = "/api/messages";

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, PostActivity);
        return app;
    }

    private static async Task<IResult> PostActivity(HttpRequest request, BotOptions options, ChannelAuthenticator authenticator,
        BotAdapter adapter, ConnectorClient connector, Agents.HubOptions hub, ILogger<BotAdapter> logger, CancellationToken cancellationToken)
    {
        var read = await ActivityReader.ReadAsync(request, options.MaxActivityBytes, cancellationToken);
        if (read.Error is not null)
        {
            return read.Error;
        }
        var activity = read.Activity!;
        try
        {
            await authenticator.AuthenticateAsync(request.Headers.Authorization.FirstOrDefault(), activity, cancellationToken);
        }
        catch (ChannelAuthenticationException e)
        {
            logger.LogWarning("Refused /api/messages from {Channel}: {Reason}", activity.ChannelId, e.Message);
            return ApiErrors.Unauthorized("The request's credentials were refused.");
        }
        if (Missing(activity) is { } missing)
        {
            return ApiErrors.BadRequest($"The activity has no '{missing}'.");
        }
        if (activity.Type == ActivityTypes.Event && activity.Name?.StartsWith("handoff.", StringComparison.OrdinalIgnoreCase) == true && !hub.External)
        {
            // With the built-in hub only the hub says who has a conversation; a customer's client could send these too.
            return ApiErrors.BadRequest($"'{activity.Name}' events come from a contact centre; this bot uses its built-in agent hub (Handoff:Mode).");
        }
        if (!options.AuthenticationEnabled && activity.DeliveryMode != DeliveryModes.ExpectReplies && !IsLoopback(activity.ServiceUrl))
        {
            // Without an app id nobody is authenticated, so the bot must not post replies to arbitrary servers.
            logger.LogWarning("Refused an unauthenticated activity asking for replies at {ServiceUrl}", activity.ServiceUrl);
            return ApiErrors.Unauthorized("Without MicrosoftAppId the bot only answers local channels (a loopback serviceUrl); configure MicrosoftAppId for Azure Bot Service.");
        }

        var expectReplies = activity.DeliveryMode == DeliveryModes.ExpectReplies;
        List<Activity> collected = [];
        try
        {
            var invoke = await adapter.ProcessAsync(activity, async replies =>
            {
                if (expectReplies)
                {
                    collected.AddRange(replies);
                    return;
                }
                await connector.SendAllAsync(replies, CancellationToken.None);
            });

            if (activity.Type == ActivityTypes.Invoke)
            {
                var response = invoke ?? new Dialogs.Turns.InvokeResponse(StatusCodes.Status501NotImplemented, null);
                return response.Body is null ? Results.StatusCode(response.Status) : Results.Json(response.Body, BotJson.Options, statusCode: response.Status);
            }
            // Serialised in one synchronous pass: the body is small, and streaming it cost more than writing it.
            return expectReplies ? Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new ExpectedReplies(collected), BotJson.Options), "application/json; charset=utf-8") : Results.Ok();
        }
        catch (StorageUnavailableException)
        {
            return ApiErrors.Unavailable("The bot could not store this turn; redeliver it later.");
        }
        catch (Connector.ReplyDeliveryException e)
        {
            logger.LogError(e, "Replies to conversation {ConversationId} could not be delivered", activity.Conversation?.Id);
            return ApiErrors.Error(StatusCodes.Status502BadGateway, "ConnectorUnavailable", "The turn ran but its replies could not be delivered to the channel.");
        }
    }

    private static bool IsLoopback(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

    private static string? Missing(Activity activity) =>
        activity.Conversation?.Id is null ? "conversation.id"
        : activity.From?.Id is null ? "from.id"
        : activity.ChannelId is null ? "channelId"
        : activity.ServiceUrl is null && activity.DeliveryMode != DeliveryModes.ExpectReplies ? "serviceUrl"
        : null;
}
