using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

public sealed class StorageOutageTests
{
    [Fact]
    public async Task When_storage_fails_the_customer_gets_an_apology_with_choices_and_the_channel_a_503()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var server = await BotServer.StartAsync();
        var conversationId = "outage-" + Guid.NewGuid().ToString("N");
        await server.Services.GetRequiredService<SqliteDatabase>().DisposeAsync(); // the database goes away mid-run

        using var response = await server.PostActivityAsync(Activities.Message("where is my order", conversationId, serviceUrl: connector.ServiceUrl));
        var apology = (await connector.NextAsync(conversationId)).Activity;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServiceError", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith("I'm sorry", apology.Text);
        Assert.Equal(["Talk to a person", "Start over"], apology.SuggestedActions!.Actions.Select(a => a.Title));
    }
}
