namespace SupportBot.Channels.DirectLine;

/// <summary>Who may touch a conversation: the secret reaches all of them, a token only its own.</summary>
public static class DirectLineAuth
{
    public sealed record Access(DirectLineGrant? Grant, IResult? Error);

    public static string? Credential(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <param name="streamToken">The stream's own token from its URL: a browser's WebSocket cannot send headers.
    /// It is never the secret.</param>
    public static async Task<Access> AuthorizeAsync(HttpRequest request, string conversationId, DirectLineTokens tokens,
        IDirectLineConversations conversations, CancellationToken cancellationToken, string? streamToken = null)
    {
        if ((streamToken ?? Credential(request)) is not { Length: > 0 } credential)
        {
            return new(null, ApiErrors.Forbidden("The request has no Direct Line secret or token."));
        }
        DirectLineGrant grant;
        if (streamToken is null && tokens.IsSecret(credential))
        {
            grant = new DirectLineGrant(conversationId, null, null, DateTimeOffset.MaxValue);
        }
        else if (tokens.Validate(credential) is { } valid)
        {
            if (valid.ConversationId != conversationId)
            {
                return new(null, ApiErrors.Forbidden("This token belongs to another conversation."));
            }
            grant = valid;
        }
        else
        {
            return new(null, ApiErrors.Forbidden("The token is not valid or has expired."));
        }
        return await conversations.ExistsAsync(conversationId, cancellationToken)
            ? new(grant, null)
            : new(null, ApiErrors.NotFound($"Conversation '{conversationId}' does not exist."));
    }
}
