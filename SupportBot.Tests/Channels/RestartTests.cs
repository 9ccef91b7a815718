using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

public sealed class RestartTests
{
    [Fact]
    public async Task A_restarted_server_continues_the_web_chat_conversation_at_the_same_step()
    {
        var data = TempFolder.Create("restart");
        DirectLineClient client;
        await using (var first = await BotServer.StartAsync(dataDirectory: data))
        {
            client = await DirectLineClient.StartAsync(first);
            await client.JoinAsync();
            await client.SayAsync("my parcel hasn't arrived"); // the bot now asks whether it understood
        }

        await using var second = await BotServer.StartAsync(dataDirectory: data);
        var resumed = new DirectLineClient(second.Http, client.Token);
        resumed.ConversationId = client.ConversationId;
        await resumed.SayAsync("yes");

        var texts = (await resumed.GetActivitiesAsync()).Activities.Select(a => a.Text).ToList();
        Assert.Equal(1, texts.Count(t => t?.Contains("welcome") == true));
        Assert.Contains("my parcel hasn't arrived", texts);
        Assert.Equal("What's your order number? You'll find it in your confirmation email.", texts[^1]);
    }

    [Fact]
    public async Task A_restarted_server_continues_an_api_messages_conversation_at_the_same_step()
    {
        var data = TempFolder.Create("restart");
        await using (var first = await BotServer.StartAsync(dataDirectory: data))
        {
            await first.ExchangeAsync(Activities.Message("I was charged twice", "conv-r"));
        }

        await using var second = await BotServer.StartAsync(dataDirectory: data);
        var replies = await second.ExchangeAsync(Activities.Message("yes", "conv-r"));

        Assert.Equal("Which email address is your account under, so the team can find the payment?", replies.Single().Text);
    }
}
