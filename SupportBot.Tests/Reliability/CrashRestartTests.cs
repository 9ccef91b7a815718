using System.Diagnostics;
using SupportBot.Benchmarks;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using Activity = SupportBot.Dialogs.Schema.Activity;

namespace SupportBot.Tests.Reliability;

/// <summary>SupportBot as a child process, killed (SIGKILL) under load and restarted on the same data folder: every
/// turn whose answer arrived is still there, and the turn in flight, sent again with the same id, is answered as the
/// script expects (run once if it was lost, or answered as stored if it had been committed).</summary>
public sealed class CrashRestartTests(ITestOutputHelper output)
{
    private const int Conversations = 200;

    [Fact]
    public async Task Killed_mid_load_and_restarted_every_conversation_continues_from_its_last_answered_turn()
    {
        var data = TempFolder.Create("crash");
        var run = "crash-" + Guid.NewGuid().ToString("N")[..8];
        using var http = LoadGenerator.CreateClient(Conversations, TimeSpan.FromSeconds(30));
        var next = new int[Conversations];          // the next step to send
        var inFlight = new Activity?[Conversations]; // the activity sent and not answered
        int failedBeforeKill = 0;

        var bot = await BotProcess.StartAsync(new Dictionary<string, string?>(), data);
        var url = bot.BaseUrl.ToString();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Conversations).Select(i => Task.Run(async () =>
        {
            var steps = SupportScript.Steps(300000 + i);
            while (next[i] < steps.Count && !stop.IsCancellationRequested)
            {
                var sent = inFlight[i] = SupportScript.ActivityFor(steps[next[i]], $"{run}-{i}", Guid.NewGuid().ToString("N"));
                var outcome = await SupportScript.ExchangeAsync(http, new Uri(url + "api/messages"), sent);
                if (!outcome.Ok)
                {
                    return; // the server died under it: stays in flight
                }
                if (SupportScript.Check(steps[next[i]], sent, outcome.Replies) is not null)
                {
                    Interlocked.Increment(ref failedBeforeKill);
                    return;
                }
                inFlight[i] = null;
                next[i]++;
            }
        })).ToArray();
        // Kill with about 40 % of the turns answered: every conversation is mid-way, most with a turn in flight.
        for (var clock = Stopwatch.StartNew(); next.Sum() < Conversations * SupportScript.Turns * 2 / 5 && clock.Elapsed < TimeSpan.FromSeconds(60);)
        {
            await Task.Delay(5);
        }
        await bot.DisposeAsync(); // SIGKILL
        stop.Cancel();
        await Task.WhenAll(load);
        var answeredBeforeKill = next.Sum();

        bot = await BotProcess.StartAsync(new Dictionary<string, string?>(), data);
        url = bot.BaseUrl.ToString();
        int redelivered = 0, wrong = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Conversations).Select(async i =>
            {
                var steps = SupportScript.Steps(300000 + i);
                for (; next[i] < steps.Count; next[i]++)
                {
                    // The turn in flight at the kill goes again with its own id, as a channel redelivers it.
                    var sent = inFlight[i] ?? SupportScript.ActivityFor(steps[next[i]], $"{run}-{i}", Guid.NewGuid().ToString("N"));
                    if (inFlight[i] is not null)
                    {
                        Interlocked.Increment(ref redelivered);
                    }
                    inFlight[i] = null;
                    var outcome = await SupportScript.ExchangeAsync(http, new Uri(url + "api/messages"), sent);
                    if (!outcome.Ok || SupportScript.Check(steps[next[i]], sent, outcome.Replies) is { } bad)
                    {
                        Interlocked.Increment(ref wrong);
                        output.WriteLine($"{run}-{i} step {next[i]}: {outcome.Error} {SupportScript.Check(steps[next[i]], sent, outcome.Replies)}");
                        return;
                    }
                }
            }));
        }
        finally
        {
            await bot.DisposeAsync();
        }

        using var stored = new StoredData(data);
        var wrongState = Enumerable.Range(0, Conversations).Count(i => StoredData.CheckFinishedCase(stored.State($"test/conversations/{run}-{i}"), 300000 + i) is not null);
        output.WriteLine($"conversations {Conversations}, turns answered before the kill {answeredBeforeKill}, in flight at the kill {redelivered} (sent again), " +
            $"failed before kill {failedBeforeKill}, wrong after restart {wrong}, wrong stored state {wrongState}");
        Assert.True(answeredBeforeKill > Conversations, "the kill came before the load got going");
        Assert.True(redelivered > 0, "no turn was in flight at the kill");
        Assert.Equal(0, failedBeforeKill);
        Assert.Equal(0, wrong);
        Assert.Equal(0, wrongState);
    }
}
