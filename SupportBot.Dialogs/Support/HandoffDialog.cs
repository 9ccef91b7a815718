using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Hand off with context: records everything gathered for the person who takes over, tells the customer
/// honestly when someone will reply, and never leaves them at a dead end.</summary>
public static class HandoffDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Handoff,
    [
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            var profile = await support.ProfileAsync(step.Context, ct);
            var topic = supportCase.TopicId is { } id ? support.Playbook.FindTopic(id) : null;
            supportCase.Outcome = "handoff";
            supportCase.Handoff = new HandoffRequest(
                profile.Name,
                step.Context.Activity.CustomerId(),
                step.Context.Activity.ChannelId,
                profile.Conversations > 1,
                profile.FirstSeen?.Year,
                topic?.Id,
                topic?.Name,
                supportCase.Confidence,
                new Dictionary<string, string>(supportCase.Details),
                Summarize(supportCase, topic),
                supportCase.Frustrated,
                support.Clock.GetUtcNow());

            // Choices to tap, but whatever the customer writes next is heard: a new need becomes a new case.
            var message = support.IsOpen() ? support.Messages.HandoffRequested : support.Messages.HandoffOutOfHours;
            var ask = PromptOptions.Of(await support.RenderAsync(step.Context, message, ct));
            ChoiceFactory.ForChannel(step.Context.Activity, ask.Prompt!, [new Choice(support.Labels.KeepGoing), new Choice(support.Labels.SomethingElse)]);
            return await step.PromptAsync(DialogIds.Text, ask, ct);
        },
        async (step, ct) =>
        {
            // The handoff request stays recorded; the next need is a case of its own.
            (await support.CaseAsync(step.Context, ct)).StartNew();
            return step.Result is string text && !IsLabel(text, support.Labels.KeepGoing) && !IsLabel(text, support.Labels.SomethingElse)
                ? await step.EndDialogAsync(new Restate(text), ct)
                : await step.EndDialogAsync(new Restate(null, support.Messages.AnythingElse), ct);
        },
    ]);

    private static bool IsLabel(string text, string label) => ChoiceRecognizer.Recognize(text, [new Choice(label)]) is not null;

    /// <summary>What the customer wants, what is known, what is open: the short summary an agent reads first.</summary>
    internal static string Summarize(SupportCase supportCase, Playbook.Topic? topic)
    {
        var wants = topic is null ? "The topic is not clear yet" : $"Topic: {topic.Name}";
        var said = supportCase.CustomerSaid.Count > 0 ? $" The customer said: \"{string.Join("\" / \"", supportCase.CustomerSaid)}\"." : "";
        var known = supportCase.Details.Count > 0 ? " Known: " + string.Join(", ", supportCase.Details.Select(d => $"{d.Key} {d.Value}")) + "." : "";
        var missing = topic?.Details.Where(d => !supportCase.Details.ContainsKey(d.Name)).Select(d => d.Name).ToList() ?? [];
        var open = missing.Count > 0 ? " Still to find out: " + string.Join(", ", missing) + "." : "";
        var mood = supportCase.Frustrated ? " The customer is frustrated." : "";
        return $"{wants}.{said}{known}{open}{mood}";
    }
}
