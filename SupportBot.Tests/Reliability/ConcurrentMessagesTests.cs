using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Reliability;

/// <summary>A customer double-sending: 20 messages posted at once to one conversation.
/// "Order preserved" means, precisely: the stored transcript is a serial history — every customer message appears
/// exactly once and is immediately followed by all of its own replies (replyToId) and nothing else; the customer
/// messages stand in the order the server ran their turns; and replaying the same messages one at a time in that
/// order in a fresh conversation gives exactly the same replies (so no turn saw stale state or lost another's).
/// Concurrent POSTs have no order on the client's side, so there is no stronger order to keep. "Every message
/// answered" is checked as "answered exactly as the serial replay answers it": the bot itself stays silent on the
/// message right after it has asked a person to take over (a dialog behaviour, reported separately).</summary>
public sealed class ConcurrentMessagesTests(ITestOutputHelper output)
{
    private const int Burst = 20;

    private static string Text(int i) => (i % 5) switch
    {
        0 => $"my parcel hasnt arrived, order {200000 + i}",
        1 => "yes",
        2 => "thanks",
        3 => "5",
        _ => "hello",
    };

    [Fact]
    public async Task Twenty_messages_at_once_on_api_messages_are_each_answered_once_in_a_serial_history()
    {
        await using var bot = await BotServer.StartAsync();
        var conversationId = "burst-" + Guid.NewGuid().ToString("N");
        await bot.ExchangeAsync(Activities.MembersAdded(conversationId));

        var sent = Enumerable.Range(0, Burst).Select(i => Activities.Message(Text(i), conversationId)).ToList();
        var answers = await Task.WhenAll(sent.Select(a => bot.ExchangeAsync(a)));

        using var stored = new StoredData(bot.DataDirectory);
        var transcript = stored.Transcripts(conversationId)[conversationId];
        var order = CheckSerialHistory(transcript, sent.Select(a => a.Id!).ToList(), "api/messages");
        for (var i = 0; i < Burst; i++)
        {
            Assert.DoesNotContain(answers[i], r => r.Text?.Contains("something went wrong") == true);
            // What each POST answered is exactly what the transcript holds after its message.
            Assert.Equal(RepliesTo(transcript, sent[i].Id!).Select(r => r.Id), answers[i].Select(r => r.Id));
        }

        // The serial replay: the same texts one by one in transcript order, in a fresh conversation.
        var replay = "replay-" + Guid.NewGuid().ToString("N");
        await bot.ExchangeAsync(Activities.MembersAdded(replay));
        foreach (var id in order)
        {
            var text = sent.Single(a => a.Id == id).Text!;
            var replayed = await bot.ExchangeAsync(Activities.Message(text, replay));
            Assert.Equal(Texts(RepliesTo(transcript, id)), Texts(replayed));
        }
        Assert.NotNull(stored.State($"test/conversations/{conversationId}")); // and the state is there to continue from
    }

    [Fact]
    public async Task Twenty_messages_at_once_on_direct_line_are_each_echoed_and_answered_once_in_a_serial_history()
    {
        await using var bot = await BotServer.StartAsync();
        var client = await DirectLineClient.StartAsync(bot);
        await client.JoinAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => client.SayAsync(Text(i))));

        var feed = new List<Activity>();
        string? watermark = null;
        for (var page = await client.GetActivitiesAsync(); page.Activities.Count > 0; page = await client.GetActivitiesAsync(watermark))
        {
            feed.AddRange(page.Activities);
            watermark = page.Watermark;
        }
        var order = CheckSerialHistory(feed, ids.ToList(), "Direct Line");
        Assert.DoesNotContain(feed, a => a.Text?.Contains("something went wrong") == true);

        var replay = await DirectLineClient.StartAsync(bot);
        await replay.JoinAsync();
        foreach (var id in order)
        {
            await replay.SayAsync(feed.Single(a => a.Id == id).Text!);
        }
        var replayFeed = (await replay.GetActivitiesAsync()).Activities;
        Assert.Equal(
            feed.Where(a => a.From?.Role == RoleTypes.Bot).Select(a => a.Text),
            replayFeed.Where(a => a.From?.Role == RoleTypes.Bot).Select(a => a.Text));
    }

    /// <summary>Checks the serial-history rule and answers the customer messages' ids in transcript order.</summary>
    private List<string> CheckSerialHistory(IReadOnlyList<Activity> transcript, IReadOnlyList<string> sentIds, string channel)
    {
        var customer = transcript.Where(a => a.From?.Role == RoleTypes.User && a.Type == ActivityTypes.Message).Select(a => a.Id!).ToList();
        var interleaved = 0;
        string? current = null;
        foreach (var activity in transcript)
        {
            if (activity.From?.Role == RoleTypes.User)
            {
                current = activity.Id;
            }
            else if (current is not null && activity.ReplyToId != current)
            {
                interleaved++;
            }
        }
        var unanswered = sentIds.Count(id => RepliesTo(transcript, id).All(r => r.Type != ActivityTypes.Message));
        output.WriteLine($"{channel}: messages {sentIds.Count}, stored {customer.Count(sentIds.Contains)} (distinct {customer.Distinct().Count(sentIds.Contains)}), " +
            $"unanswered {unanswered} (the serial replay must be silent there too), replies out of place {interleaved}");
        Assert.Equal(sentIds.Order(), customer.Where(sentIds.Contains).Order()); // each exactly once
        Assert.Equal(0, interleaved);
        return customer.Where(sentIds.Contains).ToList();
    }

    private static List<Activity> RepliesTo(IReadOnlyList<Activity> transcript, string id) =>
        transcript.Where(a => a.From?.Role == RoleTypes.Bot && a.ReplyToId == id).ToList();

    private static List<string?> Texts(IEnumerable<Activity> replies) => replies.Where(r => r.Type == ActivityTypes.Message).Select(r => r.Text).ToList();
}
