using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>A self-hosted Direct Line 3.0, complete enough for the official Web Chat and botframework-directlinejs.</summary>
public static class DirectLineApi
{
    public const int MaxUploadBytes = 4 * 1024 * 1024;
    public const string TokenRateLimit = "webchat-tokens";
    public const string ActivityRateLimit = "directline-activities";
    public const int PageSize = 500;

    public static IEndpointRouteBuilder MapDirectLineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v3/directline").AddEndpointFilter(Outages);
        api.MapPost("/tokens/generate", GenerateToken);
        api.MapPost("/tokens/refresh", RefreshToken);
        api.MapPost("/conversations", StartConversation);
        api.MapGet("/conversations/{conversationId}", Reconnect);
        api.MapPost("/conversations/{conversationId}/activities", PostActivity).RequireRateLimiting(ActivityRateLimit);
        api.MapGet("/conversations/{conversationId}/activities", GetActivities);
        api.MapPost("/conversations/{conversationId}/upload", Upload).DisableAntiforgery().RequireRateLimiting(ActivityRateLimit);
        api.Map("/conversations/{conversationId}/stream", DirectLineStream.AcceptAsync);
        api.MapGet("/attachments/{id}", IUploads.ServeAsync);
        app.MapPost("/api/token", WebChatToken).RequireRateLimiting(TokenRateLimit);
        return app;
    }

    public sealed record WebChatSession(string ConversationId, string Token, [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn, string UserId);

    public sealed record TokenParameters(ChannelAccount? User);

    public sealed record Conversation(string ConversationId, string Token, [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn, string? StreamUrl = null);

    /// <summary>Server-side: a token for a new conversation, with the secret.</summary>
    private static async Task<IResult> GenerateToken(HttpRequest request, DirectLineTokens tokens, CancellationToken cancellationToken)
    {
        if (DirectLineAuth.Credential(request) is not { } credential || !tokens.IsSecret(credential))
        {
            return ApiErrors.Forbidden("Generating a token needs the Direct Line secret.");
        }
        var parameters = await ReadOptionalAsync<TokenParameters>(request, cancellationToken);
        if (parameters.Error is not null)
        {
            return parameters.Error;
        }
        var user = parameters.Value?.User;
        var conversationId = IDirectLineConversations.NewId();
        return Results.Json(NewConversation(tokens, conversationId, user?.Id, user?.Name), BotJson.Options);
    }

    /// <summary>For the self-hosted web chat page: a token bound to a new conversation and the visitor's customer id
    /// (<see cref="WebChatCustomer"/>). The page never sees the secret; the name is only what the host page already
    /// knows about its visitor.</summary>
    private static async Task<IResult> WebChatToken(HttpRequest request, DirectLineTokens tokens, CancellationToken cancellationToken)
    {
        var parameters = await ReadOptionalAsync<TokenParameters>(request, cancellationToken);
        if (parameters.Error is not null)
        {
            return parameters.Error;
        }
        var name = parameters.Value?.User?.Name?.Trim();
        if (name is { Length: > 100 })
        {
            return ApiErrors.BadRequest("The name is longer than 100 characters.");
        }
        var userId = WebChatCustomer.Identify(request.HttpContext);
        var conversation = NewConversation(tokens, IDirectLineConversations.NewId(), userId, string.IsNullOrEmpty(name) ? null : name);
        return Results.Json(new WebChatSession(conversation.ConversationId, conversation.Token, conversation.ExpiresIn, userId), BotJson.Options);
    }

    private static IResult RefreshToken(HttpRequest request, DirectLineTokens tokens)
    {
        if (DirectLineAuth.Credential(request) is not { } credential || tokens.Validate(credential) is not { } grant)
        {
            return ApiErrors.Forbidden("The token is not valid or has expired.");
        }
        return Results.Json(NewConversation(tokens, grant.ConversationId, grant.UserId, grant.UserName), BotJson.Options);
    }

    private static async Task<IResult> StartConversation(HttpRequest request, DirectLineTokens tokens, IDirectLineConversations conversations, CancellationToken cancellationToken)
    {
        if (DirectLineAuth.Credential(request) is not { } credential)
        {
            return ApiErrors.Forbidden("The request has no Direct Line secret or token.");
        }
        var grant = tokens.IsSecret(credential)
            ? new DirectLineGrant(IDirectLineConversations.NewId(), null, null, DateTimeOffset.MaxValue)
            : tokens.Validate(credential);
        if (grant is null)
        {
            return ApiErrors.Forbidden("The token is not valid or has expired.");
        }
        var isNew = await conversations.StartAsync(grant.ConversationId, grant.UserId, cancellationToken);
        var body = NewConversation(tokens, grant.ConversationId, grant.UserId, grant.UserName) with { StreamUrl = StreamUrl(request, tokens, grant, null) };
        return Results.Json(body, BotJson.Options, statusCode: isNew ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> Reconnect(string conversationId, string? watermark, HttpRequest request, DirectLineTokens tokens, IDirectLineConversations conversations, CancellationToken cancellationToken)
    {
        var access = await DirectLineAuth.AuthorizeAsync(request, conversationId, tokens, conversations, cancellationToken);
        if (access.Error is not null)
        {
            return access.Error;
        }
        var body = NewConversation(tokens, conversationId, access.Grant!.UserId, access.Grant.UserName) with { StreamUrl = StreamUrl(request, tokens, access.Grant, watermark) };
        return Results.Json(body, BotJson.Options);
    }

    private static async Task<IResult> PostActivity(string conversationId, HttpRequest request, DirectLineTokens tokens, IDirectLineConversations conversations,
        DirectLineTurns turns, BotOptions options, CancellationToken cancellationToken)
    {
        var access = await DirectLineAuth.AuthorizeAsync(request, conversationId, tokens, conversations, cancellationToken);
        if (access.Error is not null)
        {
            return access.Error;
        }
        var read = await ActivityReader.ReadAsync(request, options.MaxActivityBytes, cancellationToken);
        if (read.Error is not null)
        {
            return read.Error;
        }
        return await turns.ProcessAsync(read.Activity!, access.Grant!, BaseUrl(request), cancellationToken);
    }

    private static async Task<IResult> GetActivities(string conversationId, string? watermark, HttpRequest request, DirectLineTokens tokens,
        IDirectLineConversations conversations, ITranscriptStore transcripts, CancellationToken cancellationToken)
    {
        var access = await DirectLineAuth.AuthorizeAsync(request, conversationId, tokens, conversations, cancellationToken);
        if (access.Error is not null)
        {
            return access.Error;
        }
        var after = watermark ?? "";
        if (!transcripts.IsWatermark(after))
        {
            return ApiErrors.BadRequest($"The watermark '{watermark}' is not one this server issued.");
        }
        var entries = await transcripts.GetActivitiesAsync(conversationId, after, PageSize, cancellationToken);
        return Results.Json(ActivitySet.Of(entries, after), BotJson.Options);
    }

    private static async Task<IResult> Upload(string conversationId, string? userId, HttpRequest request, DirectLineTokens tokens,
        IDirectLineConversations conversations, DirectLineTurns turns, IUploads uploads, CancellationToken cancellationToken)
    {
        var access = await DirectLineAuth.AuthorizeAsync(request, conversationId, tokens, conversations, cancellationToken);
        if (access.Error is not null)
        {
            return access.Error;
        }
        if (request.ContentLength > MaxUploadBytes)
        {
            return ApiErrors.TooLarge(MaxUploadBytes);
        }
        if (!request.HasFormContentType)
        {
            return ApiErrors.BadRequest("An upload must be multipart/form-data.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return ApiErrors.BadRequest($"The multipart body could not be read: {e.Message}");
        }
        Activity activity;
        if (form.Files.GetFile("activity") is { } activityPart)
        {
            using var stream = new MemoryStream();
            await activityPart.CopyToAsync(stream, cancellationToken);
            var parsed = ActivityReader.Parse(stream.ToArray());
            if (parsed.Error is not null)
            {
                return parsed.Error;
            }
            activity = parsed.Activity!;
        }
        else
        {
            activity = new Activity { Type = ActivityTypes.Message, From = new ChannelAccount { Id = userId } };
        }
        var baseUrl = BaseUrl(request);
        activity.Attachments ??= [];
        foreach (var file in form.Files.Where(f => f.Name != "activity"))
        {
            var id = await uploads.SaveAsync(conversationId, await IUploads.ReadAsync(file, cancellationToken), cancellationToken);
            activity.Attachments.Add(new Attachment { ContentType = file.ContentType, Name = file.FileName, ContentUrl = $"{baseUrl}/v3/directline/attachments/{id}" });
        }
        return await turns.ProcessAsync(activity, access.Grant!, baseUrl, cancellationToken);
    }

    /// <summary>With the Blob provider every request reads the conversation's record: an outage is a 503 the client
    /// retries, never a 500.</summary>
    private static async ValueTask<object?> Outages(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Dialogs.State.StorageUnavailableException)
        {
            return ApiErrors.Unavailable("The conversation's storage is unavailable; nothing was stored. Try again in a moment.");
        }
    }

    private static Conversation NewConversation(DirectLineTokens tokens, string conversationId, string? userId, string? userName) =>
        new(conversationId, tokens.Issue(conversationId, userId, userName), (int)DirectLineTokens.Lifetime.TotalSeconds);

    private static string StreamUrl(HttpRequest request, DirectLineTokens tokens, DirectLineGrant grant, string? watermark)
    {
        var scheme = request.IsHttps ? "wss" : "ws";
        var streamToken = tokens.Issue(grant.ConversationId, grant.UserId, grant.UserName);
        return $"{scheme}://{request.Host}{request.PathBase}/v3/directline/conversations/{Uri.EscapeDataString(grant.ConversationId)}/stream"
            + $"?watermark={Uri.EscapeDataString(watermark ?? "")}&t={Uri.EscapeDataString(streamToken)}";
    }

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static async Task<(T? Value, IResult? Error)> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any())
        {
            return (null, null);
        }
        try
        {
            return (await JsonSerializer.DeserializeAsync<T>(request.Body, BotJson.Options, cancellationToken), null);
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.BadRequest($"The body is not valid JSON: {e.Message}"));
        }
    }
}

/// <summary>A page of activities and the watermark to continue from.</summary>
public sealed record ActivitySet(IReadOnlyList<Activity> Activities, string Watermark)
{
    public static ActivitySet Of(IReadOnlyList<TranscriptEntry> entries, string after) =>
        new(entries.Select(e => e.Activity).ToList(), entries.Count > 0 ? entries[^1].Watermark : after);
}
