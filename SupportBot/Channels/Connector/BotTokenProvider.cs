using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace SupportBot.Channels.Connector;

/// <summary>Gets the bot's own token for calling the Bot Connector. MSAL caches it until near expiry.</summary>
public sealed class BotTokenProvider
{
    private const string Scope = "https://api.botframework.com/.default";
    private readonly Func<CancellationToken, Task<string>>? _acquire;

    public BotTokenProvider(BotOptions options)
    {
        if (!options.AuthenticationEnabled)
        {
            return; // local development: the Emulator and Agents Playground take unauthenticated replies
        }
        if (options.MicrosoftAppType == "UserAssignedMSI")
        {
            var msi = ManagedIdentityApplicationBuilder.Create(ManagedIdentityId.WithUserAssignedClientId(options.MicrosoftAppId!)).Build();
            _acquire = async ct => (await msi.AcquireTokenForManagedIdentity("https://api.botframework.com").ExecuteAsync(ct)).AccessToken;
            return;
        }
        var app = ConfidentialClientApplicationBuilder.Create(options.MicrosoftAppId)
            .WithClientSecret(options.MicrosoftAppPassword)
            .WithAuthority(options.EntraAuthority.Replace("{tenant}", options.TenantForTokens, StringComparison.Ordinal))
            .Build();
        _acquire = async ct => (await app.AcquireTokenForClient([Scope]).ExecuteAsync(ct)).AccessToken;
    }

    /// <summary>The bearer token, or null when the bot runs without an app id.</summary>
    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        _acquire is null ? null : await _acquire(cancellationToken);
}
