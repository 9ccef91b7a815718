using SupportBot.Dialogs.Dialogs;

namespace SupportBot.Dialogs.Support;

/// <summary>One customer need from first words to the end: understand it, work the topic, and start again from
/// the customer's own restatement whenever they correct the bot.</summary>
public static class CaseDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Case,
    [
        async (step, ct) =>
        {
            var options = step.Options.Deserialize<CaseOptions>() ?? new CaseOptions(null);
            return options.Text is not null
                ? await step.NextAsync(options.Text, ct)
                : await step.PromptAsync(DialogIds.Text, PromptOptions.Of(options.Ask ?? support.Messages.Clarify, support.Messages.Clarify), ct);
        },
        async (step, ct) => step.Result is string text
            ? await step.BeginDialogAsync(DialogIds.Understand, text, ct)
            : await step.EndDialogAsync(step.Result, ct),
        async (step, ct) => step.Result switch
        {
            string topicId => await step.BeginDialogAsync(DialogIds.Topic, topicId, ct),
            _ => await step.NextAsync(step.Result, ct),
        },
        async (step, ct) => step.Result is Restate restate
            ? await step.ReplaceDialogAsync(DialogIds.Case, new CaseOptions(restate.Text, restate.Ask), ct)
            : await step.EndDialogAsync(step.Result, ct),
    ]);
}
