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
                profile.CustomerSince,
                topic?.Id,
                topic?.Name,
                supportCase.Confidence,
                new Dictionary<string, string>(supportCase.Details),
                Summarize(supportCase, topic),
                supportCase.Frustrated,
                support.Clock.GetUtcNow());

            var message = support.IsOpen() ? support.Messages.HandoffRequested : support.Messages.HandoffOutOfHours;
            return await step.PromptAsync(DialogIds.Choice, PromptOptions.Of(await support.RenderAsync(step.Context, message, ct),
                choices: [new Choice(support.Labels.KeepGoing), new Choice(support.Labels.SomethingElse)]), ct);
        },
        async (step, ct) => step.Result is FoundChoice
            ? await step.EndDialogAsync(new Restate(null, support.Messages.AnythingElse), ct)
            : await step.EndDialogAsync(new CaseEnded("handoff"), ct),
    ]);

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
