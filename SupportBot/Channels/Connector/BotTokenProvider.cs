using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace SupportBot.Channels.Connector;

/// <summary>Gets the bot's own token for calling the Bot Connector. MSAL caches it until near expiry.</summary>
public sealed class BotTokenProvider
{
    private const string Scope = "https://api.botframework.com/.default";

    /// <summary>Hosts of Microsoft's public and national clouds; MSAL validates these through instance discovery.</summary>
    private static readonly string[] MicrosoftAuthorityHosts =
        ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "login.microsoftonline.de", "login.windows.net", "login.microsoft.com", "sts.windows.net"];

    private readonly Func<CancellationToken, Task<string>>? _acquire;

    /// <param name="httpClientFactory">The HTTP client MSAL uses; by default MSAL's own. Tests give one that trusts a
    /// loopback token endpoint's certificate.</param>
    public BotTokenProvider(BotOptions options, IMsalHttpClientFactory? httpClientFactory = null)
    {
        if (!options.AuthenticationEnabled)
        {
            return; // local development: the Emulator and Agents Playground take unauthenticated replies
        }
        if (options.MicrosoftAppType == "UserAssignedMSI")
        {
            var msiBuilder = ManagedIdentityApplicationBuilder.Create(ManagedIdentityId.WithUserAssignedClientId(options.MicrosoftAppId!));
            if (httpClientFactory is not null)
            {
                msiBuilder = msiBuilder.WithHttpClientFactory(httpClientFactory);
            }
            var msi = msiBuilder.Build();
            _acquire = async ct => (await msi.AcquireTokenForManagedIdentity("https://api.botframework.com").ExecuteAsync(ct)).AccessToken;
            return;
        }
        var authority = options.EntraAuthority.Replace("{tenant}", options.TenantForTokens, StringComparison.Ordinal);
        var builder = ConfidentialClientApplicationBuilder.Create(options.MicrosoftAppId)
            .WithClientSecret(options.MicrosoftAppPassword);
        if (IsMicrosoftAuthority(authority))
        {
            builder = builder.WithAuthority(authority);
        }
        else
        {
            // Another Entra-compatible authority (a sovereign proxy, a test double): MSAL cannot validate it through
            // Microsoft's instance discovery, so it is trusted as configured.
            builder = builder.WithAuthority(authority, validateAuthority: false).WithInstanceDiscovery(false);
        }
        if (httpClientFactory is not null)
        {
            builder = builder.WithHttpClientFactory(httpClientFactory);
        }
        var app = builder.Build();
        _acquire = async ct => (await app.AcquireTokenForClient([Scope]).ExecuteAsync(ct)).AccessToken;
    }

    /// <summary>The bearer token, or null when the bot runs without an app id.</summary>
    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        _acquire is null ? null : await _acquire(cancellationToken);

    private static bool IsMicrosoftAuthority(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && MicrosoftAuthorityHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
}
