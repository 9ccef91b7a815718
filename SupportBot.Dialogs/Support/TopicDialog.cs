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
            if (topic.Id == "talk_to_person")
            {
                return await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct);
            }
            var summary = await support.RenderAsync(step.Context, topic.Reflect, ct);
            var reflect = await support.RenderAsync(step.Context, support.Messages.ReflectConfirm, ct, new Dictionary<string, string> { ["summary"] = summary });
            return await step.PromptAsync(DialogIds.Confirm, PromptOptions.Of(reflect), ct);
        },
        async (step, ct) => step.Result switch
        {
            true => await step.BeginDialogAsync(DialogIds.Details, step.Values.Get<string>("topic"), ct),
            false => await step.EndDialogAsync(new Restate(null, support.Messages.Rephrase), ct),
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

/// <summary>Clarify, one open question at a time, only what is still unknown.</summary>
public static class DetailsDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Details,
    [
        async (step, ct) =>
        {
            var topic = support.Playbook.FindTopic(step.Options.Deserialize<string>()!)!;
            var known = (await support.CaseAsync(step.Context, ct)).Details;
            var missing = topic.Details.FirstOrDefault(d => !known.ContainsKey(d.Name));
            if (missing is null)
            {
                return await step.EndDialogAsync(true, ct);
            }
            step.Values.Set("detail", missing.Name);
            return await step.PromptAsync(DialogIds.Text, PromptOptions.Of(missing.Question), ct);
        },
        async (step, ct) =>
        {
            var topicId = step.Options.Deserialize<string>()!;
            var topic = support.Playbook.FindTopic(topicId)!;
            var supportCase = await support.CaseAsync(step.Context, ct);
            if (step.Result is not string answer)
            {
                return await step.ReplaceDialogAsync(DialogIds.Recover, null, ct);
            }
            answer = Recognition.Redactor.Redact(answer);
            supportCase.CustomerSaid.Add(answer);
            foreach (var (name, value) in Recognition.DetailExtractor.Extract(answer, topic))
            {
                supportCase.Details.TryAdd(name, value);
            }
            // The customer answered the question asked; without a pattern match, their words are the answer.
            supportCase.Details.TryAdd(step.Values.Get<string>("detail")!, answer.Trim());
            return await step.ReplaceDialogAsync(DialogIds.Details, topicId, ct);
        },
    ]);
}
