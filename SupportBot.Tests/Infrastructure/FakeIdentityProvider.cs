using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The Bot Framework token service and Entra on loopback: OpenID metadata, a JWKS with endorsements, and
/// tokens signed with its published key (or with an untrusted key that is never published). It also issues the bot's
/// own outgoing tokens like Entra's token endpoint, over HTTPS with a self-signed certificate made for the test run
/// (MSAL accepts only https authorities): give the bot <see cref="EntraAuthority"/> and <see cref="MsalHttpClientFactory"/>.</summary>
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

    private readonly X509Certificate2 _certificate;
    private int _tokenRequests;

    private FakeIdentityProvider(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The HTTPS listener, for the Entra token endpoint.</summary>
    public string HttpsBaseUrl { get; private set; } = "";

    /// <summary>For the EntraAuthority setting; the bot replaces {tenant}.</summary>
    public string EntraAuthority => HttpsBaseUrl + "{tenant}";

    /// <summary>The client-credentials requests the token endpoint answered.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>The access tokens the token endpoint issued, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> IssuedTokens { get; } = new();

    /// <summary>The app id and secret the token endpoint accepts.</summary>
    public (string AppId, string Secret)? Client { get; set; }

    /// <summary>An MSAL HTTP client that trusts exactly this provider's certificate.</summary>
    public Microsoft.Identity.Client.IMsalHttpClientFactory MsalHttpClientFactory => new TrustingMsalHttpClientFactory(_certificate);

    /// <summary>For the BotFrameworkOpenIdMetadataUrl setting.</summary>
    public string BotFrameworkMetadataUrl => BaseUrl + "v1/.well-known/openidconfiguration";

    /// <summary>For the EntraOpenIdMetadataUrl setting; the bot replaces {tenant}.</summary>
    public string EntraMetadataUrl => BaseUrl + "{tenant}/v2.0/.well-known/openid-configuration";

    /// <summary>The staff sign-in provider's authority (issuer), for the Staff:OpenIdConnect:Authority setting.</summary>
    public string OpenIdConnectAuthority => BaseUrl + "oidc";

    /// <summary>The code the test's "user" brings back from the authorize step, and the ID token it is exchanged for.</summary>
    public string AuthorizationCode { get; } = Guid.NewGuid().ToString("N");

    public string? IdToken { get; set; }

    public static string EntraV2Issuer(string tenant) => $"https://login.microsoftonline.com/{tenant}/v2.0";

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var certificate = SelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeIdentityProvider(app, certificate);

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

        // Entra's client-credentials grant, as MSAL calls it: POST {authority}/oauth2/v2.0/token.
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
        {
            if (!request.IsHttps)
            {
                return Results.BadRequest();
            }
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials" || form["scope"] != "https://api.botframework.com/.default"
                || provider.Client is not { } client || form["client_id"] != client.AppId || form["client_secret"] != client.Secret)
            {
                return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
            }
            Interlocked.Increment(ref provider._tokenRequests);
            var token = provider.Mint($"https://sts.windows.net/{tenant}/", "https://api.botframework.com", claims: new Dictionary<string, object>
            {
                ["appid"] = client.AppId,
                ["tid"] = tenant,
            });
            provider.IssuedTokens.Enqueue(token);
            return Results.Json(new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = token });
        });

        // An OpenID Connect provider for staff sign-in (authorization code flow): the test plays the user's browser at
        // the authorize step and sets the ID token the token endpoint hands out for the code.
        app.MapGet("/oidc/.well-known/openid-configuration", () => Json(new JsonObject
        {
            ["issuer"] = provider.OpenIdConnectAuthority,
            ["authorization_endpoint"] = provider.BaseUrl + "oidc/authorize",
            ["token_endpoint"] = provider.BaseUrl + "oidc/token",
            ["jwks_uri"] = provider.BaseUrl + "oidc/keys",
            ["response_types_supported"] = new JsonArray("code"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/oidc/keys", () => Json(provider.Jwks(endorsements: null)));
        app.MapPost("/oidc/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form["grant_type"] == "authorization_code" && form["code"] == provider.AuthorizationCode && provider.IdToken is { } idToken
                ? Results.Json(new { token_type = "Bearer", expires_in = 3599, access_token = "unused", id_token = idToken })
                : Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        });

        await app.StartAsync();
        provider.BaseUrl = app.Urls.First(u => u.StartsWith("http:", StringComparison.Ordinal)).TrimEnd('/') + "/";
        provider.HttpsBaseUrl = app.Urls.First(u => u.StartsWith("https:", StringComparison.Ordinal)).TrimEnd('/') + "/";
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

    /// <summary>A certificate for 127.0.0.1 that lives only as long as the test run.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _trusted.Dispose();
        _untrusted.Dispose();
        _certificate.Dispose();
    }

    /// <summary>What MSAL sends its requests through: one HttpClient that trusts only the given certificate.</summary>
    private sealed class TrustingMsalHttpClientFactory(X509Certificate2 trusted) : Microsoft.Identity.Client.IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(trusted.RawData),
        });

        public HttpClient GetHttpClient() => _client;
    }
}
