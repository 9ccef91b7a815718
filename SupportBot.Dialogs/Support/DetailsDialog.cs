using SupportBot.Dialogs.Dialogs;

namespace SupportBot.Dialogs.Support;

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
