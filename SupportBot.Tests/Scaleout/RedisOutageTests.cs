using SupportBot.Channels.DirectLine;
using SupportBot.Tests.Infrastructure;
using SupportBot.Tests.Reliability;
using Xunit;

namespace SupportBot.Tests.Scaleout;

/// <summary>Redis down: each instance goes on alone (turns, its own streams); back up, the live fan-out resumes by itself.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task With_redis_down_turns_and_streams_go_on_and_the_live_fan_out_resumes_when_it_is_back()
    {
        var bots = new TwoInstances();
        await bots.InitializeAsync();
        try
        {
            var onA = await DirectLineClient.StartAsync(bots.A.Http);
            var stream = await DirectLineClient.OpenStreamAsync(onA.StreamUrl);
            var onB = new DirectLineClient(bots.B.Http, onA.Token) { ConversationId = onA.ConversationId };
            await bots.Redis.StopAsync();

            var conversation = "outage-" + Guid.NewGuid().ToString("N");
            var steps = SupportScript.Steps(306060);
            for (var i = 0; i < steps.Count; i++)
            {
                var instance = i % 2 == 0 ? bots.A : bots.B;
                var sent = SupportScript.ActivityFor(steps[i], conversation, Guid.NewGuid().ToString("N"));
                var outcome = await SupportScript.ExchangeAsync(instance.Http, new Uri(instance.BaseUrl, "api/messages"), sent);
                Assert.True(outcome.Ok, $"step {i}: {outcome.Error}");
                var wrong = SupportScript.Check(steps[i], sent, outcome.Replies);
                Assert.True(wrong is null, $"step {i}: {wrong}");
            }
            var said = await onA.SayAsync("my parcel hasnt arrived, order 306061"); // the stream's own instance still wakes it
            await stream.ReadUntilAsync(received => received.Any(a => a.ReplyToId == said), DirectLineStream.KeepAlive / 3);

            await bots.Redis.RestartAsync();
            var live = false;
            for (var attempt = 0; attempt < 8 && !live; attempt++)
            {
                var id = await onB.SayAsync("yes");
                try
                {
                    await stream.ReadUntilAsync(received => received.Any(a => a.ReplyToId == id), DirectLineStream.KeepAlive / 3);
                    live = true;
                }
                catch (OperationCanceledException)
                {
                    // Not reconnected yet. A cancelled read aborts the socket: open the stream again (it sends what it
                    // missed first, then only what the fan-out wakes it for).
                    await stream.DisposeAsync();
                    stream = await DirectLineClient.OpenStreamAsync(onA.StreamUrl);
                }
            }
            await stream.DisposeAsync();
            Assert.True(live, "after Redis came back, a message posted on B never reached A's stream live");
        }
        finally
        {
            await bots.DisposeAsync();
        }
    }
}
