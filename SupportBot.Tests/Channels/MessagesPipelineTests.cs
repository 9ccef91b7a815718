using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>The bot's endpoint checks the channel's token itself: the staff cookie's middleware stays off its path
/// (it was a visible share of every turn), and on every other path it still runs.</summary>
public sealed class MessagesPipelineTests
{
    [Fact]
    public async Task Staff_authentication_runs_for_staff_pages_and_not_for_the_bots_endpoint()
    {
        var authenticated = new ConcurrentDictionary<string, bool>();
        await using var server = await BotServer.StartAsync(configureServices: services =>
            services.AddSingleton<IStartupFilter>(new RecordAuthentication(authenticated)));

        var replies = await server.ExchangeAsync(Activities.Message("hello", "pipeline-1"));
        using var trailingSlash = await server.Http.PostAsync("api/messages/", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        using var agentPage = await server.Http.GetAsync("agent");

        Assert.NotEmpty(replies);
        Assert.Equal(HttpStatusCode.BadRequest, trailingSlash.StatusCode);
        Assert.Equal("/signin", agentPage.RequestMessage!.RequestUri!.AbsolutePath); // sent to sign in, so the cookie was checked
        Assert.False(authenticated["/api/messages"]);
        Assert.False(authenticated["/api/messages/"]);
        Assert.True(authenticated["/agent"]);
    }

    /// <summary>Notes for each path whether the authentication middleware saw the request (it always sets this feature).</summary>
    private sealed class RecordAuthentication(ConcurrentDictionary<string, bool> authenticated) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                await inner(context);
                authenticated[context.Request.Path.Value!] = context.Features.Get<IAuthenticationFeature>() is not null;
            });
            next(app);
        };
    }
}
