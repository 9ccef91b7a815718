using System.Diagnostics;
using System.Net;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Storage;

/// <summary>Azurite goes away in the middle of a conversation and comes back on the same port and data.</summary>
public sealed class BlobOutageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task During_an_outage_the_customer_gets_an_apology_with_choices_and_afterwards_the_bot_carries_on_by_itself()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var connector = await FakeConnector.StartAsync();
        var settings = BlobServerTests.BlobSettings(azurite);
        await using var server = await BotServer.StartAsync(settings);
        var conversationId = "outage-" + Guid.NewGuid().ToString("N");
        Task<HttpResponseMessage> Say(string text) => server.PostActivityAsync(Activities.Message(text, conversationId, serviceUrl: connector.ServiceUrl));

        using (var before = await Say("I was charged twice"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        var reflected = string.Join(" ", connector.Drain().Select(r => r.Activity.Text));

        await azurite.StopAsync();
        var clock = Stopwatch.StartNew();
        using var during = await Say("yes");
        var outageTurn = clock.Elapsed;
        var apology = connector.Drain().Single().Activity;

        output.WriteLine($"The turn during the outage took {outageTurn}.");
        await azurite.RestartAsync();
        using var after = await Say("yes");
        var resumed = connector.Drain().Single().Activity;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.StartsWith("I'm sorry", apology.Text);
        Assert.Equal(["Talk to a person", "Start over"], apology.SuggestedActions!.Actions.Select(a => a.Title));
        Assert.True(outageTurn < TimeSpan.FromSeconds(15), $"the outage held the turn for {outageTurn}");
        // Nothing stored before the outage was lost: the conversation continues at the step it had reached.
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("problem with a payment", reflected);
        var transcript = new SupportBot.Storage.Blob.BlobTranscriptStore(
            azurite.Client().GetBlobContainerClient(settings["Storage:Blob:TranscriptContainer"]), azurite.Client().GetBlobContainerClient(settings["Storage:Blob:StateContainer"]), new());
        var stored = (await transcript.GetTranscriptPageAsync("test", conversationId, null, 100, default)).Activities.Select(a => a.Text).ToList();
        Assert.Equal(["I was charged twice", "yes"], stored.Where(t => t is "I was charged twice" or "yes"));
        Assert.Equal("Which email address is your account under, so the team can find the payment?", resumed.Text);
    }
}
