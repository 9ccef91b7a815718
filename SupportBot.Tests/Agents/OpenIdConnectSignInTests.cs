using System.Net;
using System.Web;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Staff;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Agents;

/// <summary>Staff sign in with their organisation's OpenID Connect provider (the production option): the console
/// sends them there, and the roles the provider grants decide what they may open.</summary>
public sealed class OpenIdConnectSignInTests : IAsyncLifetime
{
    private const string ClientId = "supportbot-console";
    private FakeIdentityProvider _provider = null!;
    private BotServer _server = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeIdentityProvider.StartAsync();
        _server = await BotServer.StartAsync(new Dictionary<string, string?>
        {
            ["Staff:OpenIdConnect:Authority"] = _provider.OpenIdConnectAuthority,
            ["Staff:OpenIdConnect:ClientId"] = ClientId,
            ["Staff:OpenIdConnect:ClientSecret"] = "console-secret",
            ["Staff:Accounts:0:Name"] = "local",
            ["Staff:Accounts:0:PasswordHash"] = StaffAccounts.Hash(StaffClient.Password),
        }, configureServices: services => services.Configure<OpenIdConnectOptions>(StaffSignIn.OpenIdConnectScheme,
            options =>
            {
                // Loopback is plain HTTP: the provider's metadata, and the sign-in cookies this test's client sends back.
                options.RequireHttpsMetadata = false;
                options.CorrelationCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            }));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
    }

    /// <summary>Opens the console, follows it to the provider, and comes back as the person the ID token names.</summary>
    private async Task<(HttpClient Browser, HttpResponseMessage Callback)> SignInAsync(string[] roles, bool forged = false)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _server.BaseUrl };
        using var console = await browser.GetAsync("agent");
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.StartsWith("/signin/oidc", console.Headers.Location!.PathAndQuery);
        using var challenge = await browser.GetAsync(console.Headers.Location);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(_provider.BaseUrl + "oidc/authorize", authorize.ToString());
        var query = HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.NotNull(query["code_challenge"]); // PKCE

        _provider.IdToken = _provider.Mint(_provider.OpenIdConnectAuthority, ClientId, untrustedKey: forged, claims: new Dictionary<string, object>
        {
            ["sub"] = "carol-123",
            ["nonce"] = query["nonce"]!,
            ["preferred_username"] = "carol@contoso.example",
            ["name"] = "Carol",
            ["roles"] = roles,
        });
        var callback = await browser.PostAsync(new Uri(query["redirect_uri"]!).PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = _provider.AuthorizationCode,
            ["state"] = query["state"]!,
        }));
        return (browser, callback);
    }

    [Fact]
    public async Task An_agent_from_the_organisation_signs_in_and_reaches_the_console_under_their_own_name()
    {
        var (browser, callback) = await SignInAsync([StaffRoles.Agent]);
        using var _ = browser;

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/agent", callback.Headers.Location!.ToString());
        var me = await browser.GetStringAsync("api/agent/queue");
        Assert.Contains("\"name\":\"carol@contoso.example\"", me);
        Assert.Contains("\"displayName\":\"Carol\"", me);
    }

    [Fact]
    public async Task Someone_the_provider_gives_no_agent_role_is_signed_in_but_kept_out_of_the_console()
    {
        var (browser, callback) = await SignInAsync(["Reader"]);
        using var _ = browser;

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("api/agent/queue")).StatusCode);
    }

    [Fact]
    public async Task An_ID_token_not_signed_by_the_provider_is_refused_and_the_person_is_sent_back_to_sign_in()
    {
        var (browser, callback) = await SignInAsync([StaffRoles.Agent], forged: true);
        using var _ = browser;

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.StartsWith("/signin?failed=1", callback.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/agent/queue")).StatusCode);
    }

    [Fact]
    public async Task Password_sign_in_still_works_beside_it()
    {
        using var local = await StaffClient.SignInAsync(_server, "local");

        Assert.Equal(HttpStatusCode.OK, (await local.Http.GetAsync("api/agent/queue")).StatusCode);
    }
}
