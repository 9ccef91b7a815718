using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Channels.Auth;

/// <summary>A channel request whose credentials were refused; the message says why (logged, not sent).</summary>
public sealed class ChannelAuthenticationException(string message) : Exception(message);

/// <summary>Checks the JWT that Azure Bot Service, Teams or the Emulator put on each request to /api/messages.</summary>
public sealed class ChannelAuthenticator
{
    private const string BotFrameworkIssuer = "https://api.botframework.com";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly BotOptions _options;
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _botFramework;
    private readonly ConcurrentDictionary<string, IConfigurationManager<OpenIdConnectConfiguration>> _entra = new();
    private readonly IDocumentRetriever _retriever;
    private readonly JsonWebTokenHandler _handler = new();

    public ChannelAuthenticator(BotOptions options)
    {
        _options = options;
        // Plain http only for loopback metadata, which is what the tests serve.
        _retriever = new HttpDocumentRetriever { RequireHttps = !IsLoopback(options.BotFrameworkOpenIdMetadataUrl) };
        _botFramework = CreateManager(options.BotFrameworkOpenIdMetadataUrl);
    }

    /// <summary>Answers the caller's identity, or throws <see cref="ChannelAuthenticationException"/>.</summary>
    public async Task<ClaimsIdentity> AuthenticateAsync(string? authorization, Activity activity, CancellationToken cancellationToken)
    {
        if (!_options.AuthenticationEnabled)
        {
            return new ClaimsIdentity(); // local development: no app id, no authentication
        }
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new ChannelAuthenticationException("The request has no bearer token.");
        }
        var token = authorization["Bearer ".Length..].Trim();
        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException e)
        {
            throw new ChannelAuthenticationException($"The bearer token is not a JWT: {e.Message}");
        }

        return jwt.Issuer == BotFrameworkIssuer
            ? await ValidateBotFrameworkAsync(token, jwt, activity, cancellationToken)
            : await ValidateEntraAsync(token, jwt, cancellationToken);
    }

    private async Task<ClaimsIdentity> ValidateBotFrameworkAsync(string token, JsonWebToken jwt, Activity activity, CancellationToken cancellationToken)
    {
        var config = await ConfigurationAsync(_botFramework, jwt, cancellationToken);
        var identity = await ValidateAsync(token, config, [BotFrameworkIssuer]);

        var serviceUrl = identity.FindFirst("serviceurl")?.Value;
        if (serviceUrl is null || !string.Equals(serviceUrl.TrimEnd('/'), activity.ServiceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw new ChannelAuthenticationException($"The token's serviceurl '{serviceUrl}' does not match the activity's serviceUrl '{activity.ServiceUrl}'.");
        }

        // The key that signed the token must be endorsed for the channel the activity claims to come from.
        var key = config.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == jwt.Kid);
        var endorsements = key?.AdditionalData.TryGetValue("endorsements", out var value) == true ? Endorsements(value) : [];
        if (activity.ChannelId is null || !endorsements.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase))
        {
            throw new ChannelAuthenticationException($"The signing key is not endorsed for channel '{activity.ChannelId}'.");
        }
        return identity;
    }

    private async Task<ClaimsIdentity> ValidateEntraAsync(string token, JsonWebToken jwt, CancellationToken cancellationToken)
    {
        // GetPayloadValue throws when the claim is absent; a token without tid (any foreign issuer) must be a 401, not a 500.
        var tenant = jwt.TryGetPayloadValue<string>("tid", out var tid) && !string.IsNullOrEmpty(tid) ? tid : TenantFromIssuer(jwt.Issuer);
        var allowed = _options.MicrosoftAppType == "MultiTenant" ? _options.BotFrameworkTenants : [_options.MicrosoftAppTenantId!];
        if (tenant is null || !allowed.Contains(tenant, StringComparer.OrdinalIgnoreCase))
        {
            throw new ChannelAuthenticationException($"Tokens from tenant '{tenant}' are not accepted.");
        }
        string[] issuers = [$"https://sts.windows.net/{tenant}/", $"https://login.microsoftonline.com/{tenant}/v2.0"];
        var manager = _entra.GetOrAdd(tenant, t => CreateManager(_options.EntraOpenIdMetadataUrl.Replace("{tenant}", t, StringComparison.Ordinal)));
        var identity = await ValidateAsync(token, await ConfigurationAsync(manager, jwt, cancellationToken), issuers);
        // Entra tokens come from the Emulator, which signs in as the bot itself; no other app may call in.
        var caller = identity.FindFirst("appid")?.Value ?? identity.FindFirst("azp")?.Value;
        if (caller is null)
        {
            throw new ChannelAuthenticationException("The token names no calling application (appid or azp).");
        }
        if (!string.Equals(caller, _options.MicrosoftAppId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChannelAuthenticationException($"The calling application '{caller}' is not this bot.");
        }
        return identity;
    }

    private async Task<ClaimsIdentity> ValidateAsync(string token, OpenIdConnectConfiguration config, IEnumerable<string> issuers)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuers = issuers,
            ValidAudiences = [_options.MicrosoftAppId!, $"api://{_options.MicrosoftAppId}"],
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
        });
        if (!result.IsValid)
        {
            throw new ChannelAuthenticationException($"The token is not valid: {result.Exception?.Message}");
        }
        return result.ClaimsIdentity;
    }

    /// <summary>The signing keys; fetched again once when the token names a key we have not seen (a key rollover).</summary>
    private static async Task<OpenIdConnectConfiguration> ConfigurationAsync(IConfigurationManager<OpenIdConnectConfiguration> manager, JsonWebToken jwt, CancellationToken cancellationToken)
    {
        var config = await manager.GetConfigurationAsync(cancellationToken);
        if (config.SigningKeys.Any(k => k.KeyId == jwt.Kid))
        {
            return config;
        }
        manager.RequestRefresh();
        return await manager.GetConfigurationAsync(cancellationToken);
    }

    private ConfigurationManager<OpenIdConnectConfiguration> CreateManager(string metadataUrl) =>
        new(metadataUrl, new OpenIdConnectConfigurationRetriever(), _retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(24),
        };

    private static IReadOnlyList<string> Endorsements(object value) => value switch
    {
        IEnumerable<object> items => items.Select(i => i.ToString() ?? "").ToList(),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
        _ => [],
    };

    private static string? TenantFromIssuer(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri) ? uri.Segments.ElementAtOrDefault(1)?.Trim('/') : null;

    private static bool IsLoopback(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
