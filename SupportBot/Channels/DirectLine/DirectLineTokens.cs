using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.WebUtilities;

namespace SupportBot.Channels.DirectLine;

/// <summary>What a Direct Line token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string? UserId, string? UserName, DateTimeOffset Expires);

/// <summary>Issues and checks Direct Line tokens. Like Azure's, they are JWTs whose <c>user</c> claim names the
/// customer, so Web Chat and directlinejs read the user id from the token; ours are signed with HMAC-SHA256.</summary>
public sealed class DirectLineTokens(byte[] signingKey, string secret, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private static readonly string Header = WebEncoders.Base64UrlEncode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());

    private sealed record Claims(
        [property: JsonPropertyName("conv")] string Conversation,
        [property: JsonPropertyName("user")] string? User,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("exp")] long Expires);

    /// <summary>The Direct Line secret: it grants every conversation and never reaches a browser.</summary>
    public bool IsSecret(string credential) => credential.Length > 0 &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential), Encoding.UTF8.GetBytes(secret));

    public string Issue(string conversationId, string? userId, string? userName, TimeSpan? lifetime = null)
    {
        var expires = (clock.GetUtcNow() + (lifetime ?? Lifetime)).ToUnixTimeSeconds();
        var payload = WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Claims(conversationId, userId, userName, expires)));
        var signed = Header + "." + payload;
        return signed + "." + Sign(signed);
    }

    /// <summary>The grant of a valid, unexpired token; null otherwise.</summary>
    public DirectLineGrant? Validate(string token)
    {
        var lastDot = token.LastIndexOf('.');
        if (lastDot <= 0 || !token.StartsWith(Header + ".", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(token[..lastDot])), Encoding.ASCII.GetBytes(token[(lastDot + 1)..])))
        {
            return null;
        }
        try
        {
            var claims = JsonSerializer.Deserialize<Claims>(WebEncoders.Base64UrlDecode(token[(Header.Length + 1)..lastDot]));
            var expires = claims is null ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeSeconds(claims.Expires);
            return claims is not null && expires > clock.GetUtcNow() ? new DirectLineGrant(claims.Conversation, claims.User, claims.Name, expires) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }

    private string Sign(string signed) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(signingKey, Encoding.ASCII.GetBytes(signed)));
}
