using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Dialogs;

public sealed class PromptTests
{
    /// <summary>Asks one prompt, then reports what it got: "got X" or "gave up after N".</summary>
    private sealed class AskBot : IBot
    {
        private readonly ConversationState _state;
        private readonly IStatePropertyAccessor<DialogState> _dialogState;
        private readonly Dialog _dialog;

        public AskBot(IStorage storage, Dialog prompt, PromptOptions options)
        {
            _state = new ConversationState(storage);
            _dialogState = _state.CreateProperty<DialogState>("dialogs");
            _dialog = new Flow(prompt, options);
        }

        public async Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken)
        {
            await _dialog.RunAsync(context, _dialogState, cancellationToken);
            await _state.SaveChangesAsync(context, cancellationToken);
        }

        private sealed class Flow : ComponentDialog
        {
            public Flow(Dialog prompt, PromptOptions options) : base("flow")
            {
                AddDialog(new WaterfallDialog("steps",
                [
                    (step, ct) => step.PromptAsync(prompt.Id, options, ct),
                    async (step, ct) =>
                    {
                        var text = step.Result switch
                        {
                            PromptExhausted e => $"gave up after {e.Attempts}",
                            FoundChoice c => $"got {c.Value}",
                            var other => $"got {other}",
                        };
                        await step.Context.SendActivityAsync(text, ct);
                        return await step.EndDialogAsync(null, ct);
                    },
                ]));
                AddDialog(prompt);
            }
        }
    }

    private static readonly List<Choice> Colours = [new("Red"), new("Green"), new("Blue")];

    [Fact]
    public async Task A_choice_prompt_gives_up_after_three_misses_instead_of_asking_forever()
    {
        var chat = new TestConversation(new AskBot(new MemoryStorage(), new ChoicePrompt("choice"), PromptOptions.Of("Which colour?", "Please pick a colour.", Colours)));

        Assert.Equal("Which colour?", (await chat.SendAsync("hi")).Single().Text);
        Assert.Equal("Please pick a colour.", (await chat.SendAsync("purple")).Single().Text);
        Assert.Equal("Please pick a colour.", (await chat.SendAsync("orange")).Single().Text);
        Assert.Equal("gave up after 3", (await chat.SendAsync("pink")).Single().Text);
    }

    [Fact]
    public async Task The_attempt_limit_is_configurable_per_prompt()
    {
        var options = PromptOptions.Of("Which colour?", choices: Colours);
        options.MaxAttempts = 1;
        var chat = new TestConversation(new AskBot(new MemoryStorage(), new ChoicePrompt("choice"), options));

        await chat.SendAsync("hi");

        Assert.Equal("gave up after 1", (await chat.SendAsync("pink")).Single().Text);
    }

    [Fact]
    public async Task A_recognised_answer_ends_the_prompt_with_the_choice()
    {
        var chat = new TestConversation(new AskBot(new MemoryStorage(), new ChoicePrompt("choice"), PromptOptions.Of("Which colour?", choices: Colours)));

        await chat.SendAsync("hi");

        Assert.Equal("got Green", (await chat.SendAsync("the second one")).Single().Text);
    }

    [Fact]
    public async Task A_confirm_prompt_answers_true_or_false()
    {
        var chat = new TestConversation(new AskBot(new MemoryStorage(), new ConfirmPrompt("confirm"), PromptOptions.Of("Is that right?")));

        var question = (await chat.SendAsync("hi")).Single();

        Assert.Equal(["Yes", "No"], question.SuggestedActions!.Actions.Select(a => a.Title));
        Assert.Equal("got True", (await chat.SendAsync("yep")).Single().Text);
    }

    [Fact]
    public async Task A_text_prompt_survives_between_turns_in_stored_state()
    {
        var storage = new MemoryStorage();
        var options = PromptOptions.Of("What happened?");

        await new TestConversation(new AskBot(storage, new TextPrompt("text"), options)).SendAsync("hi");
        // A new bot instance (a restarted process) continues from storage.
        var replies = await new TestConversation(new AskBot(storage, new TextPrompt("text"), options)).SendAsync("my parcel is late");

        Assert.Equal("got my parcel is late", replies.Single().Text);
    }

    [Fact]
    public async Task A_choice_prompt_restarted_between_misses_keeps_its_options_and_attempts_in_the_wire_format()
    {
        var storage = new MemoryStorage();
        var options = PromptOptions.Of("Which colour?", "Please pick a colour.", Colours);
        TestConversation Restarted() => new(new AskBot(storage, new ChoicePrompt("choice"), options));

        await Restarted().SendAsync("hi");
        Assert.Equal("Please pick a colour.", (await Restarted().SendAsync("purple")).Single().Text);

        // What a dialog sets is stored as JSON written with the bot's options, not under .NET names.
        var stored = (await storage.ReadAsync(["test/conversations/conv-1"], default)).Values.Single().Json;
        Assert.Contains("\"retryPrompt\":{", stored);
        Assert.DoesNotContain("\"RetryPrompt\"", stored);
        Assert.Contains("\"attempts\":1", stored);

        Assert.Equal("Please pick a colour.", (await Restarted().SendAsync("orange")).Single().Text);
        Assert.Equal("gave up after 3", (await Restarted().SendAsync("pink")).Single().Text);
    }

    [Fact]
    public async Task Changing_a_sent_prompt_does_not_change_what_the_prompt_asks_next_time()
    {
        var options = PromptOptions.Of("What happened?");
        options.Prompt!.SuggestedActions = new SuggestedActions { Actions = [new CardAction { Type = ActionTypes.ImBack, Title = "Late" }] };
        var chat = new TestConversation(new AskBot(new MemoryStorage(), new TextPrompt("text"), options), middleware: [new AddsAnAction()]);

        var first = (await chat.SendAsync("hi")).Single();
        var retry = (await chat.SendAsync("")).Single();

        Assert.Equal(["Late", "Added"], first.SuggestedActions!.Actions.Select(a => a.Title));
        Assert.Equal(["Late", "Added"], retry.SuggestedActions!.Actions.Select(a => a.Title));
    }

    /// <summary>Edits every reply's suggested actions in place, as a channel's middleware might.</summary>
    private sealed class AddsAnAction : IMiddleware
    {
        public Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
        {
            context.OnSendActivities((_, replies, sendNext) =>
            {
                foreach (var reply in replies)
                {
                    reply.SuggestedActions?.Actions.Add(new CardAction { Type = ActionTypes.ImBack, Title = "Added" });
                }
                return sendNext();
            });
            return next(cancellationToken);
        }
    }

    [Theory]
    [InlineData("webchat", null, 3, "suggested")]
    [InlineData("directline", null, 5, "suggested")]
    [InlineData("emulator", null, 2, "suggested")]
    [InlineData("msteams", "personal", 3, "suggested")]
    [InlineData("msteams", "personal", 4, "adaptive")]
    [InlineData("msteams", "groupChat", 2, "adaptive")]
    [InlineData("msteams", "channel", 2, "adaptive")]
    [InlineData("slack", null, 2, "hero")]
    public void Choices_are_rendered_the_way_the_channel_shows_them(string channelId, string? conversationType, int count, string expected)
    {
        var incoming = Activities.Message("hi", "c", channelId: channelId);
        incoming.Conversation!.ConversationType = conversationType;
        var choices = Enumerable.Range(1, count).Select(i => new Choice($"Option {i}")).ToList();

        var prompt = ChoiceFactory.ForChannel(incoming, incoming.CreateReply("Pick one"), choices);

        var rendered = prompt.SuggestedActions is not null ? "suggested"
            : prompt.Attachments!.Single().ContentType == ChoiceFactory.AdaptiveCardContentType ? "adaptive"
            : prompt.Attachments!.Single().ContentType == HeroCard.ContentType ? "hero" : "?";
        Assert.Equal(expected, rendered);
        Assert.Equal(choices.Select(c => c.Value), ChoiceFactory.OfferedChoices(prompt));
        switch (expected)
        {
            case "suggested":
                Assert.All(prompt.SuggestedActions!.Actions, a => Assert.Equal(ActionTypes.ImBack, a.Type));
                Assert.Equal("Pick one", prompt.Text);
                break;
            case "hero":
                var hero = prompt.Attachments!.Single().Content!.Value;
                Assert.Equal("Pick one", hero.GetProperty("text").GetString());
                Assert.All(hero.GetProperty("buttons").EnumerateArray(), b => Assert.Equal("imBack", b.GetProperty("type").GetString()));
                break;
            case "adaptive":
                var card = prompt.Attachments!.Single().Content!.Value;
                Assert.Equal("1.5", card.GetProperty("version").GetString());
                Assert.Equal("Pick one", card.GetProperty("body")[0].GetProperty("text").GetString());
                Assert.All(card.GetProperty("actions").EnumerateArray(), a => Assert.Equal("Action.Submit", a.GetProperty("type").GetString()));
                Assert.Equal(choices.Select(c => c.Value), card.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("data").GetProperty("choice").GetString()));
                Assert.Null(prompt.Text);
                break;
        }
    }
}
