using SupportBot.Benchmarks;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Benchmarks;

/// <summary>The load benchmark's generator counts a turn only for a real bot reply to the scripted step, and
/// counts everything else as a failure. A tiny bounded run, not a timed test.</summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task Scripted_support_conversations_count_turns_and_off_script_replies_count_as_failures()
    {
        await using var bot = await BotServer.StartAsync();
        using var http = LoadGenerator.CreateClient(4, TimeSpan.FromSeconds(30));
        var endpoint = new Uri(bot.BaseUrl, "api/messages");

        var good = await new LoadGenerator(http, endpoint, ConversationScript.Support).RunAsync(4, TimeSpan.Zero, TimeSpan.FromSeconds(2));

        var wrongStep = ConversationScript.Support.Steps.ToList();
        wrongStep[2] = wrongStep[2] with { Expect = "a reply the bot never gives" };
        var bad = await new LoadGenerator(http, endpoint, new ConversationScript("wrong", wrongStep)).RunAsync(4, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        Assert.True(good.Turns >= ConversationScript.Support.Steps.Count, $"only {good.Turns} turns");
        Assert.Equal(0, good.FailureCount);
        Assert.True(bad.Failures.TryGetValue("unexpected reply", out var unexpected) && unexpected > 0);
        Assert.Equal(bad.FailureCount, unexpected);
        Assert.Contains("Did that solve it?", bad.FailureExamples["unexpected reply"]); // the bot's real answer to step 3, reported
        Assert.True(bad.Turns > 0); // the greeting and reflection before each failure still count
    }

    [Fact]
    public async Task The_durable_echo_answers_each_turn_only_after_committing_it()
    {
        var folder = TempFolder.Create("durable-echo");
        var port = Loopback.FreePort();
        await using var echo = EchoCeiling.Build(["--durable", folder, "--urls", $"http://127.0.0.1:{port}"]);
        await echo.StartAsync();
        using var http = LoadGenerator.CreateClient(4, TimeSpan.FromSeconds(30));

        var result = await new LoadGenerator(http, new Uri($"http://127.0.0.1:{port}/api/messages"), ConversationScript.Echo).RunAsync(4, TimeSpan.Zero, TimeSpan.FromSeconds(3)); // long enough for a cold start under a busy suite
        await echo.StopAsync();

        Assert.Equal(0, result.FailureCount);
        Assert.True(result.Turns > 0);
        await using var stored = new SqliteDatabase(Path.Combine(folder, "echo.db"));
        using var connection = stored.OpenRead();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM transcript";
        Assert.True((long)count.ExecuteScalar()! >= result.Turns); // every answered turn was stored first
    }

    [Fact]
    public async Task A_target_that_is_not_listening_is_counted_as_failures_not_turns()
    {
        using var http = LoadGenerator.CreateClient(2, TimeSpan.FromSeconds(5));

        var result = await new LoadGenerator(http, new Uri("http://127.0.0.1:1/api/messages"), ConversationScript.Support).RunAsync(2, TimeSpan.Zero, TimeSpan.FromSeconds(0.5));

        Assert.Equal(0, result.Turns);
        Assert.True(result.Failures.GetValueOrDefault("connection") > 0);
    }
}
