using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Fast recovery: apologise once, without excuses, and offer a person straight away.</summary>
public static class RecoverDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Recover,
    [
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            var text = supportCase.Apologized ? support.Messages.Recover : support.Messages.Apology;
            supportCase.Apologized = true;
            return await step.PromptAsync(DialogIds.Choice, PromptOptions.Of(text,
                choices: [new Choice(support.Labels.TalkToPerson), new Choice(support.Labels.TryAnotherWay)]), ct);
        },
        async (step, ct) => step.Result is FoundChoice { Value: var value } && value == support.Labels.TryAnotherWay
            ? await step.EndDialogAsync(new Restate(null, support.Messages.Clarify), ct)
            : await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct),
    ]);
}
