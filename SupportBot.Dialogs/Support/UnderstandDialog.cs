using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Listen first, clarify openly: from the customer's words to a topic id. Confident → the topic; unsure →
/// which of two or three topics; not understood → one open question, then choices that include a person.</summary>
public static class UnderstandDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Understand,
    [
        async (step, ct) =>
        {
            var text = step.Options.Deserialize<string>() ?? "";
            var supportCase = await support.CaseAsync(step.Context, ct);
            var understanding = support.Runtime.Understand(text);
            var redacted = Redactor.Redact(text);
            supportCase.CustomerSaid.Add(redacted);
            foreach (var (name, value) in DetailExtractor.Extract(redacted, understanding.TopTopic is { } t ? support.Playbook.FindTopic(t) : null))
            {
                supportCase.Details.TryAdd(name, value);
            }
            await RecognizerTrace.SendAsync(step.Context, understanding, supportCase.Details, ct);

            switch (understanding.Confidence)
            {
                case Confidence.Confident:
                    supportCase.NotUnderstood = 0;
                    supportCase.TopicId = understanding.TopTopic;
                    supportCase.Confidence = understanding.TopIntents[0].Score;
                    return await step.EndDialogAsync(understanding.TopTopic, ct);
                case Confidence.Unsure:
                    var likely = understanding.TopIntents.Where(i => i.Score >= support.Playbook.Thresholds.Unsure / 2).Take(3)
                        .Select(i => support.Playbook.FindTopic(i.Intent)!.Name).ToList();
                    return await step.PromptAsync(DialogIds.Choice, PromptOptions.Of(support.Messages.Unsure, choices:
                        likely.Select(n => new Choice(n)).Append(new Choice(support.Labels.SomethingElse)).Append(new Choice(support.Labels.TalkToPerson))).AskOnce(), ct);
                default:
                    supportCase.NotUnderstood++;
                    if (supportCase.NotUnderstood == 1)
                    {
                        return await step.EndDialogAsync(new Restate(null, support.Messages.Clarify), ct);
                    }
                    var fallback = support.Playbook.FallbackTopics.Select(id => support.Playbook.FindTopic(id)!.Name).ToList();
                    return await step.PromptAsync(DialogIds.Choice, PromptOptions.Of(support.Messages.NotUnderstood, choices:
                        fallback.Select(n => new Choice(n)).Append(new Choice(support.Labels.TalkToPerson))).AskOnce(), ct);
            }
        },
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            if (step.Result is PromptExhausted { LastInput: var typed })
            {
                // They wrote instead of tapping: hear it as a restatement, unless the bot keeps missing them.
                var clear = typed is not null && support.Runtime.Understand(typed).Confidence == Confidence.Confident;
                return clear || supportCase.NotUnderstood < 3 && typed is not null
                    ? await step.EndDialogAsync(new Restate(typed), ct)
                    : await step.ReplaceDialogAsync(DialogIds.Recover, null, ct);
            }
            var chosen = ((FoundChoice)step.Result!).Value;
            if (chosen == support.Labels.TalkToPerson)
            {
                return await step.ReplaceDialogAsync(DialogIds.Handoff, null, ct);
            }
            if (chosen == support.Labels.SomethingElse)
            {
                supportCase.NotUnderstood = 1; // one open question now; if that misses too, choices

                return await step.EndDialogAsync(new Restate(null, support.Messages.Clarify), ct);
            }
            var topic = support.Playbook.Topics.First(t => t.Name == chosen);
            supportCase.NotUnderstood = 0;
            supportCase.TopicId = topic.Id;
            supportCase.Confidence = 1; // the customer said so
            return await step.EndDialogAsync(topic.Id, ct);
        },
    ]);
}
