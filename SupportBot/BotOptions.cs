namespace SupportBot;

/// <summary>The bot's identity and channel settings, read once at start-up and checked there.</summary>
public sealed record BotOptions
{
    /// <summary>The Azure Bot's app id. When empty, channel authentication is off (local development only).</summary>
    public string? MicrosoftAppId { get; init; }

    public string? MicrosoftAppPassword { get; init; }

    /// <summary>MultiTenant, SingleTenant or UserAssignedMSI.</summary>
    public string MicrosoftAppType { get; init; } = "MultiTenant";

    public string? MicrosoftAppTenantId { get; init; }

    /// <summary>Where the Bot Framework publishes its token signing keys.</summary>
    public string BotFrameworkOpenIdMetadataUrl { get; init; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Where Entra publishes signing keys for Emulator and single-tenant tokens; {tenant} is replaced.</summary>
    public string EntraOpenIdMetadataUrl { get; init; } = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration";

    /// <summary>The Entra authority that issues the bot's own outgoing tokens; {tenant} is replaced.</summary>
    public string EntraAuthority { get; init; } = "https://login.microsoftonline.com/{tenant}";

    /// <summary>Tenants whose Entra-issued tokens a multi-tenant bot accepts (the Bot Framework's own).</summary>
    public IReadOnlyList<string> BotFrameworkTenants { get; init; } =
        ["d6d49420-f39b-4df7-a1dc-d59a935871db", "f8cdef31-a31e-4b4a-93e4-5f571e91255a", "botframework.com"];

    /// <summary>Largest activity accepted, in bytes; larger bodies answer 413.</summary>
    public int MaxActivityBytes { get; init; } = 256 * 1024;

    private const int MaxActivityBytesLimit = 16 * 1024 * 1024; // far above any channel's; keeps buffer arithmetic safe

    /// <summary>The bot's id and name in Direct Line conversations.</summary>
    public string BotId { get; init; } = "supportbot";

    public string BotName { get; init; } = "SupportBot";

    public bool AuthenticationEnabled => !string.IsNullOrWhiteSpace(MicrosoftAppId);

    public string TenantForTokens => MicrosoftAppType == "SingleTenant" ? MicrosoftAppTenantId! : "botframework.com";

    /// <summary>Fails fast, naming the setting that is wrong.</summary>
    public BotOptions Validate()
    {
        string[] types = ["MultiTenant", "SingleTenant", "UserAssignedMSI"];
        if (!types.Contains(MicrosoftAppType))
        {
            throw new InvalidOperationException($"MicrosoftAppType must be one of {string.Join(", ", types)}; it is '{MicrosoftAppType}'.");
        }
        if (AuthenticationEnabled && MicrosoftAppType != "UserAssignedMSI" && string.IsNullOrWhiteSpace(MicrosoftAppPassword))
        {
            throw new InvalidOperationException($"MicrosoftAppPassword is required when MicrosoftAppId is set and MicrosoftAppType is {MicrosoftAppType}.");
        }
        if (AuthenticationEnabled && MicrosoftAppType is "SingleTenant" or "UserAssignedMSI" && string.IsNullOrWhiteSpace(MicrosoftAppTenantId))
        {
            throw new InvalidOperationException($"MicrosoftAppTenantId is required when MicrosoftAppType is {MicrosoftAppType}.");
        }
        if (MaxActivityBytes is < 1024 or > MaxActivityBytesLimit)
        {
            throw new InvalidOperationException($"MaxActivityBytes must be between 1024 and {MaxActivityBytesLimit} (16 MiB); it is {MaxActivityBytes}.");
        }
        return this;
    }
}
