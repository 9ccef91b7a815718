using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace SupportBot.Channels.DirectLine;

/// <summary>What a Direct Line token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string? UserId, string? UserName, DateTimeOffset Expires);

/// <summary>Issues and checks Direct Line tokens: the grant, signed with HMAC-SHA256 under the server's secret.</summary>
public sealed class DirectLineTokens(byte[] signingKey, string secret, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>The Direct Line secret: it grants every conversation and never reaches a browser.</summary>
    public bool IsSecret(string credential) => credential.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential), Encoding.UTF8.GetBytes(secret));

    public string Issue(string conversationId, string? userId, string? userName, TimeSpan? lifetime = null)
    {
        var grant = new DirectLineGrant(conversationId, userId, userName, clock.GetUtcNow() + (lifetime ?? Lifetime));
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(grant));
        return payload + "." + Sign(payload);
    }

    /// <summary>The grant of a valid, unexpired token; null otherwise.</summary>
    public DirectLineGrant? Validate(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(token[..dot])), Encoding.ASCII.GetBytes(token[(dot + 1)..])))
        {
            return null;
        }
        try
        {
            var grant = JsonSerializer.Deserialize<DirectLineGrant>(WebEncoders.Base64UrlDecode(token[..dot]));
            return grant is not null && grant.Expires > clock.GetUtcNow() ? grant : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }

    private string Sign(string payload) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(signingKey, Encoding.ASCII.GetBytes(payload)));
}
