using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Ask how it went: a one-tap rating, an optional comment, then the closing with the customer's name.</summary>
public static class WrapUpDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.WrapUp,
    [
        (step, ct) => step.PromptAsync(DialogIds.Choice, PromptOptions.Of(support.Messages.Csat,
            choices: support.Labels.Ratings.Select(r => new Choice(r))), ct),
        async (step, ct) =>
        {
            if (step.Result is FoundChoice rating)
            {
                step.Values.Set("rating", rating.Index + 1);
                var ask = PromptOptions.Of(support.Messages.CsatComment);
                ChoiceFactory.ForChannel(step.Context.Activity, ask.Prompt!, [new Choice(support.Labels.NoComment)]);
                return await step.PromptAsync(DialogIds.Text, ask, ct);
            }
            return await step.NextAsync(null, ct);
        },
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            if (step.Values.Get<int?>("rating") is { } rating)
            {
                var comment = step.Result as string;
                supportCase.Satisfaction = new Satisfaction(rating, comment is null || comment == support.Labels.NoComment ? null : Recognition.Redactor.Redact(comment));
            }
            await step.Context.SendActivityAsync(await support.RenderAsync(step.Context, support.Messages.Closing, ct), ct);
            return await step.EndDialogAsync(new CaseEnded("closed"), ct);
        },
    ]);
}
