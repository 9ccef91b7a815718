using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Dialogs;

/// <summary>A dialog's options and values read the same on the turn they were set, on the next one, and after a restart,
/// whatever they were given as.</summary>
public sealed class DialogValuesTests
{
    /// <summary>Starts "inner" with the incoming card value, as JSON or as a JSON node, and reports its topic twice:
    /// before and after a question that waits a turn.</summary>
    private sealed class TopicBot(IStorage storage, bool asNode) : IBot
    {
        private readonly ConversationState _state = new(storage);

        public async Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken)
        {
            await new Flow(asNode).RunAsync(context, _state.CreateProperty<DialogState>("dialogs"), cancellationToken);
            await _state.SaveChangesAsync(context, cancellationToken);
        }

        private sealed class Flow : ComponentDialog
        {
            public Flow(bool asNode) : base("flow")
            {
                AddDialog(new WaterfallDialog("outer",
                [
                    (step, ct) =>
                    {
                        var value = step.Context.Activity.Value!.Value;
                        return step.BeginDialogAsync("inner", asNode ? JsonNode.Parse(value.GetRawText()) : value, ct);
                    },
                ]));
                AddDialog(new WaterfallDialog("inner",
                [
                    async (step, ct) =>
                    {
                        await step.Context.SendActivityAsync($"asked about {step.Options!["topic"]}", ct);
                        return await step.PromptAsync("text", PromptOptions.Of("Anything else?"), ct);
                    },
                    async (step, ct) =>
                    {
                        await step.Context.SendActivityAsync($"still {step.Options!["topic"]}", ct);
                        return await step.EndDialogAsync(null, ct);
                    },
                ]));
                AddDialog(new TextPrompt("text"));
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Options_given_as_json_read_the_same_on_later_turns_and_after_a_restart(bool asNode, bool restart)
    {
        var storage = new MemoryStorage();
        var before = new TestConversation(new TopicBot(storage, asNode));
        var card = Activities.Message("", "conv-1", "user-1");
        card.Value = JsonSerializer.SerializeToElement(new { topic = "billing" });

        var first = await before.SendAsync(card);
        var after = restart ? new TestConversation(new TopicBot(storage, asNode)) : before;
        var second = await after.SendAsync("no");

        Assert.Equal(["asked about billing", "Anything else?"], first.Select(a => a.Text));
        Assert.Equal(["still billing"], second.Select(a => a.Text));
    }
}
