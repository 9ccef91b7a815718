using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>One bot with authentication on, its identity provider and its connector, shared by the tests.</summary>
public sealed class AuthenticatedBot : IAsyncLifetime
{
    public const string AppId = "5b3c1f0e-8a1d-4c55-9a9e-2f6d8d7e4c21";

    public FakeIdentityProvider Identity { get; private set; } = null!;

    public FakeConnector Connector { get; private set; } = null!;

    public BotServer Bot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await FakeIdentityProvider.StartAsync();
        Connector = await FakeConnector.StartAsync();
        Bot = await BotServer.StartAsync(new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "x",
            ["BotFrameworkOpenIdMetadataUrl"] = Identity.BotFrameworkMetadataUrl,
            ["EntraOpenIdMetadataUrl"] = Identity.EntraMetadataUrl,
        });
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Connector.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>POST /api/messages with a MicrosoftAppId: the channel's JWT decides. Accepted turns use expectReplies;
/// replies through the connector with the bot's own token are tested in <see cref="TeamsChannelTests"/>.</summary>
public sealed class ChannelAuthenticationTests(AuthenticatedBot fixture) : IClassFixture<AuthenticatedBot>
{
    private const string BotFrameworkTenant = "d6d49420-f39b-4df7-a1dc-d59a935871db";

    private FakeIdentityProvider Identity => fixture.Identity;

    private string ServiceUrl => fixture.Connector.ServiceUrl;

    [Fact]
    public async Task Valid_Bot_Framework_token_is_accepted_and_the_bot_replies()
    {
        var activity = Greeting();
        using var response = await fixture.Bot.PostActivityAsync(activity, Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl));

        await AssertGreetedAsync(response, activity);
    }

    [Fact]
    public async Task Token_expired_within_the_clock_skew_is_still_accepted()
    {
        var activity = Greeting();
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl, expires: DateTime.UtcNow.AddMinutes(-3));

        using var response = await fixture.Bot.PostActivityAsync(activity, token);

        await AssertGreetedAsync(response, activity);
    }

    [Fact]
    public async Task Request_without_a_token_is_refused()
    {
        using var response = await fixture.Bot.PostActivityAsync(Message());

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Bearer_value_that_is_not_a_JWT_is_refused()
    {
        using var response = await fixture.Bot.PostActivityAsync(Message(), "not-a-jwt");

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Token_from_another_issuer_is_refused()
    {
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl, issuer: "https://api.botframework.example");

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Token_for_another_audience_is_refused()
    {
        var token = Identity.BotFrameworkToken(Guid.NewGuid().ToString(), ServiceUrl);

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Expired_token_is_refused()
    {
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl, expires: DateTime.UtcNow.AddMinutes(-10));

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Token_for_another_service_url_is_refused()
    {
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, "https://smba.trafficmanager.net/emea/");

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Key_not_endorsed_for_the_activity_channel_is_refused()
    {
        Assert.DoesNotContain("skype", FakeIdentityProvider.Endorsements);
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl);

        using var response = await fixture.Bot.PostActivityAsync(Message(channelId: "skype"), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Token_signed_with_an_unpublished_key_is_refused()
    {
        var token = Identity.BotFrameworkToken(AuthenticatedBot.AppId, ServiceUrl, untrustedKey: true);

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Entra_v2_token_from_a_Bot_Framework_tenant_is_accepted()
    {
        var activity = Greeting();
        var token = Identity.EntraV2Token(BotFrameworkTenant, AuthenticatedBot.AppId, callerAppId: AuthenticatedBot.AppId);

        using var response = await fixture.Bot.PostActivityAsync(activity, token);

        await AssertGreetedAsync(response, activity);
    }

    [Fact]
    public async Task Entra_v2_token_from_another_application_is_refused()
    {
        var token = Identity.EntraV2Token(BotFrameworkTenant, AuthenticatedBot.AppId, callerAppId: Guid.NewGuid().ToString());

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Entra_v2_token_from_another_tenant_is_refused()
    {
        var token = Identity.EntraV2Token(Guid.NewGuid().ToString(), AuthenticatedBot.AppId, callerAppId: Guid.NewGuid().ToString());

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task Entra_token_naming_no_calling_app_is_refused()
    {
        var token = Identity.Mint(FakeIdentityProvider.EntraV2Issuer(BotFrameworkTenant), AuthenticatedBot.AppId,
            claims: new Dictionary<string, object> { ["tid"] = BotFrameworkTenant });

        using var response = await fixture.Bot.PostActivityAsync(Message(), token);

        await AssertRefusedAsync(response);
    }

    private Activity Message(string channelId = "test") =>
        Activities.Message("I need help", NewConversation(), channelId: channelId, serviceUrl: ServiceUrl);

    private Activity Greeting()
    {
        var activity = Activities.MembersAdded(NewConversation(), serviceUrl: ServiceUrl);
        activity.DeliveryMode = DeliveryModes.ExpectReplies;
        return activity;
    }

    private static string NewConversation() => "auth-" + Guid.NewGuid().ToString("N");

    private static async Task AssertGreetedAsync(HttpResponseMessage response, Activity incoming)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = (await response.Content.ReadFromJsonAsync<ExpectedReplies>(BotJson.Options))!.Activities;
        var greeting = Assert.Single(replies);
        Assert.Equal("Hi Jane, welcome! What can I help you with today?", greeting.Text);
        Assert.Equal(incoming.Id, greeting.ReplyToId);
        Assert.Equal(incoming.Conversation!.Id, greeting.Conversation!.Id);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("Unauthorized", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }
}
