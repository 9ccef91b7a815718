using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Works one topic: reflect the need back (the customer can correct it), gather what is missing, then
/// resolve it or hand it to a person, and check it really is solved.</summary>
public static class TopicDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Topic,
    [
        async (step, ct) =>
        {
            var topic = support.Playbook.FindTopic(step.Options.Deserialize<string>()!)!;
            step.Values.Set("topic", topic.Id);
            if (topic.HandToPerson && topic.Details.Count == 0)
            {
                return await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct); // nothing to reflect or gather
            }
            var summary = await support.RenderAsync(step.Context, topic.Reflect, ct);
            // The summary is the bot's own sentence (its customer values already escaped), so it goes in as text.
            var reflect = await support.RenderAsync(step.Context, support.Messages.ReflectConfirm.Replace("{summary}", summary, StringComparison.Ordinal), ct);
            return await step.PromptAsync(DialogIds.Confirm, PromptOptions.Of(reflect).AskOnce(), ct);
        },
        async (step, ct) => step.Result switch
        {
            true => await step.BeginDialogAsync(DialogIds.Details, step.Values.Get<string>("topic"), ct),
            false => await step.EndDialogAsync(new Restate(null, support.Messages.Rephrase), ct),
            // Neither yes nor no: their words are the correction, never a reason to ask again.
            PromptExhausted { LastInput: { } words } => await step.EndDialogAsync(new Restate(words), ct),
            _ => await step.ReplaceDialogAsync(DialogIds.Recover, null, ct),
        },
        async (step, ct) =>
        {
            var topic = support.Playbook.FindTopic(step.Values.Get<string>("topic")!)!;
            if (topic.HandToPerson || topic.Resolution is null)
            {
                return await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct);
            }
            await step.Context.SendActivityAsync(await support.RenderAsync(step.Context, topic.Resolution, ct), ct);
            return await step.PromptAsync(DialogIds.Confirm, PromptOptions.Of(support.Messages.Solved), ct);
        },
        async (step, ct) =>
        {
            if (step.Result is true)
            {
                (await support.CaseAsync(step.Context, ct)).Outcome = "resolved";
                return await step.ReplaceDialogAsync(DialogIds.WrapUp, null, ct);
            }
            return await step.PromptAsync(DialogIds.Choice, PromptOptions.Of(support.Messages.NotSolved,
                choices: [new Choice(support.Labels.TryAnotherWay), new Choice(support.Labels.TalkToPerson)]), ct);
        },
        async (step, ct) => step.Result is FoundChoice { Value: var value } && value == support.Labels.TryAnotherWay
            ? await step.EndDialogAsync(new Restate(null, support.Messages.Clarify), ct)
            : await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct),
    ]);
}
