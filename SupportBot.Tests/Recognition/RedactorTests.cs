using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Recognition;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("my card is 4111 1111 1111 1111 thanks", "my card is [redacted] thanks")]
    [InlineData("card 4111-1111-1111-1111", "card [redacted]")]
    [InlineData("5500000000000004 was charged twice", "[redacted] was charged twice")]
    [InlineData("the cvv is 123", "the cvv is [redacted]")]
    [InlineData("security code: 9876", "security code: [redacted]")]
    [InlineData("my password is hunter2!", "my password is [redacted]")]
    [InlineData("Password: S3cret", "Password: [redacted]")]
    [InlineData("my password is: hunter2", "my password is: [redacted]")]
    public void Secrets_are_masked(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("order 123456 has not arrived")]
    [InlineData("call me on 07700 900123")]
    [InlineData("tracking 1234567890123")] // 13 digits that fail the Luhn check are not a card
    [InlineData("I forgot my password")]
    [InlineData("my password reset email never came")]
    public void Ordinary_details_are_kept(string text)
    {
        Assert.Equal(text, Redactor.Redact(text));
    }

    private sealed class MemoryTranscript : ITranscriptLogger
    {
        public List<SupportBot.Dialogs.Schema.Activity> Stored { get; } = [];

        public Task LogActivitiesAsync(IReadOnlyList<SupportBot.Dialogs.Schema.Activity> activities, CancellationToken cancellationToken)
        {
            Stored.AddRange(activities);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task The_transcript_stores_a_card_number_redacted_and_the_handoff_summary_never_sees_it()
    {
        var storage = new MemoryStorage();
        var transcript = new MemoryTranscript();
        var bot = new SupportBot.Dialogs.Support.SupportBotHandler(new ConversationState(storage), new UserState(storage), () => TestConversation.DefaultRuntime.Value, new TestHub().Hub, null, new TestConversation.OpenHours());
        var runner = new TurnRunner(new MiddlewarePipeline([new TranscriptLoggerMiddleware(transcript)]), bot);

        await runner.RunAsync(Activities.Message("I was charged twice on card 4111 1111 1111 1111", "c-red"), _ => Task.CompletedTask, default);
        await runner.RunAsync(Activities.Message("talk to a person", "c-red"), _ => Task.CompletedTask, default);

        Assert.DoesNotContain(transcript.Stored, a => a.Text?.Contains("4111") == true);
        Assert.Contains(transcript.Stored, a => a.Text == "I was charged twice on card [redacted]");
        var state = (await storage.ReadAsync(["test/conversations/c-red"], default)).Values.Single().Json;
        Assert.DoesNotContain("4111", state);
    }
}
