using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The Bot Framework token service and Entra on loopback: OpenID metadata, a JWKS with endorsements, and
/// tokens signed with its published key (or with an untrusted key that is never published).</summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    public const string TrustedKid = "trusted-key";

    /// <summary>The channels the published Bot Framework key is endorsed for.</summary>
    public static readonly string[] Endorsements = ["msteams", "webchat", "test"];

    private readonly WebApplication _app;
    private readonly RSA _trusted = RSA.Create(2048);
    private readonly RSA _untrusted = RSA.Create(2048);
    private readonly JsonWebTokenHandler _handler = new();

    private FakeIdentityProvider(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>For the BotFrameworkOpenIdMetadataUrl setting.</summary>
    public string BotFrameworkMetadataUrl => BaseUrl + "v1/.well-known/openidconfiguration";

    /// <summary>For the EntraOpenIdMetadataUrl setting; the bot replaces {tenant}.</summary>
    public string EntraMetadataUrl => BaseUrl + "{tenant}/v2.0/.well-known/openid-configuration";

    public static string EntraV2Issuer(string tenant) => $"https://login.microsoftonline.com/{tenant}/v2.0";

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeIdentityProvider(app);

        app.MapGet("/v1/.well-known/openidconfiguration", () => Json(new JsonObject
        {
            ["issuer"] = BotFrameworkIssuer,
            ["authorization_endpoint"] = "https://invalid.botframework.com",
            ["jwks_uri"] = provider.BaseUrl + "v1/.well-known/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        }));
        app.MapGet("/v1/.well-known/keys", () => Json(provider.Jwks(Endorsements)));

        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Json(new JsonObject
        {
            ["issuer"] = EntraV2Issuer(tenant),
            ["authorization_endpoint"] = $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
            ["jwks_uri"] = $"{provider.BaseUrl}{tenant}/discovery/v2.0/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant) => Json(provider.Jwks(endorsements: null)));

        await app.StartAsync();
        provider.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
        return provider;
    }

    /// <summary>A Bot Framework channel token, as Azure Bot Service sends it; override what a test needs wrong.</summary>
    public string BotFrameworkToken(string audience, string serviceUrl, string issuer = BotFrameworkIssuer,
        DateTime? expires = null, bool untrustedKey = false, string kid = TrustedKid) =>
        Mint(issuer, audience, expires, untrustedKey, kid, new Dictionary<string, object> { ["serviceurl"] = serviceUrl });

    /// <summary>An Entra v2 access token naming the calling app in <c>azp</c>.</summary>
    public string EntraV2Token(string tenant, string audience, string callerAppId) =>
        Mint(EntraV2Issuer(tenant), audience, null, false, TrustedKid, new Dictionary<string, object>
        {
            ["tid"] = tenant,
            ["azp"] = callerAppId,
            ["ver"] = "2.0",
        });

    /// <summary>A signed JWT with the given issuer, audience, expiry (default: in an hour), key, kid and claims.</summary>
    public string Mint(string issuer, string audience, DateTime? expires = null, bool untrustedKey = false,
        string kid = TrustedKid, IDictionary<string, object>? claims = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        var key = new RsaSecurityKey(untrustedKey ? _untrusted : _trusted) { KeyId = kid };
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddHours(-1),
            NotBefore = expiry.AddHours(-1),
            Expires = expiry,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private JsonObject Jwks(string[]? endorsements)
    {
        var parameters = _trusted.ExportParameters(includePrivateParameters: false);
        var key = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = TrustedKid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (endorsements is not null)
        {
            key["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
        }
        return new JsonObject { ["keys"] = new JsonArray(key) };
    }

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _trusted.Dispose();
        _untrusted.Dispose();
    }
}
