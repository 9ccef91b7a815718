using System.Collections.Concurrent;
using System.Diagnostics;
using SupportBot.Benchmarks;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Reliability;

/// <summary>500 customers at once, eight turns each, through the real server over HTTP: every turn answered once,
/// and every conversation's stored case right at the end, read back from the SQLite file.</summary>
public sealed class LoadHeldTests(ITestOutputHelper output)
{
    private const int Conversations = 500;

    [Fact]
    public async Task Five_hundred_concurrent_conversations_of_eight_turns_lose_nothing_and_store_every_case()
    {
        await using var bot = await BotServer.StartAsync();
        using var http = LoadGenerator.CreateClient(Conversations, TimeSpan.FromSeconds(60));
        var messages = new Uri(bot.BaseUrl, "api/messages");
        var run = "load-" + Guid.NewGuid().ToString("N")[..8];
        var failures = new ConcurrentBag<string>();
        var replyIds = new ConcurrentDictionary<string, int>();
        var received = new ConcurrentDictionary<string, List<string>>(); // conversation → reply ids received over HTTP
        int failed = 0, lost = 0, duplicated = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Conversations).Select(i => Task.Run(async () =>
        {
            var conversationId = $"{run}-{i}";
            var ids = received[conversationId] = [];
            foreach (var step in SupportScript.Steps(100000 + i))
            {
                var sent = SupportScript.ActivityFor(step, conversationId, Guid.NewGuid().ToString("N"));
                var outcome = await SupportScript.ExchangeAsync(http, messages, sent);
                if (!outcome.Ok)
                {
                    Interlocked.Increment(ref failed);
                    failures.Add($"{conversationId}: HTTP {(int?)outcome.Status} {outcome.Error}");
                    return;
                }
                if (SupportScript.Check(step, sent, outcome.Replies) is { } wrong)
                {
                    Interlocked.Increment(ref lost);
                    failures.Add($"{conversationId} '{step.Text ?? step.Type}': {wrong}");
                    return;
                }
                // One answer per turn: the expected text once, and no reply id ever seen twice.
                var answers = outcome.Replies.Count(r => r.Type == ActivityTypes.Message && r.Text!.Contains(step.Expect[^1], StringComparison.Ordinal));
                var repeatedIds = outcome.Replies.Count(r => replyIds.AddOrUpdate(r.Id!, 1, (_, n) => n + 1) > 1);
                if (answers != 1 || repeatedIds > 0)
                {
                    Interlocked.Increment(ref duplicated);
                    failures.Add($"{conversationId} '{step.Text ?? step.Type}': answered {answers} times, {repeatedIds} repeated reply ids");
                }
                ids.AddRange(outcome.Replies.Select(r => r.Id!));
            }
        })));
        var elapsed = clock.Elapsed;

        // What the server stored, read back from its file after the load.
        using var stored = new StoredData(bot.DataDirectory);
        var states = stored.States($"test/conversations/{run}-");
        var transcripts = stored.Transcripts(run + "-");
        int wrongState = 0, wrongTranscript = 0;
        for (var i = 0; i < Conversations; i++)
        {
            var conversationId = $"{run}-{i}";
            if (StoredData.CheckFinishedCase(states.TryGetValue($"test/conversations/{conversationId}", out var s) ? s : null, 100000 + i) is { } bad)
            {
                wrongState++;
                failures.Add($"{conversationId} state: {bad}");
            }
            var transcript = transcripts.GetValueOrDefault(conversationId) ?? [];
            var customer = transcript.Count(a => a.From?.Role == RoleTypes.User);
            var botIds = transcript.Where(a => a.From?.Role == RoleTypes.Bot).Select(a => a.Id!).ToList();
            if (customer != SupportScript.Turns || !botIds.SequenceEqual(received[conversationId]))
            {
                wrongTranscript++;
                failures.Add($"{conversationId} transcript: {customer} customer activities, bot ids {botIds.Count} stored vs {received[conversationId].Count} received");
            }
        }

        var turns = Conversations * SupportScript.Turns;
        output.WriteLine($"conversations {Conversations}, turns {turns}, failed {failed}, lost {lost}, duplicated {duplicated}, " +
            $"wrong stored state {wrongState}, wrong transcripts {wrongTranscript}, {elapsed.TotalSeconds:F1} s ({turns / elapsed.TotalSeconds:F0} turns/s)");
        foreach (var failure in failures.Take(10))
        {
            output.WriteLine("  " + failure);
        }
        Assert.Equal(0, failed);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, wrongState);
        Assert.Equal(0, wrongTranscript);
        Assert.Equal(Conversations, states.Count);
    }
}
