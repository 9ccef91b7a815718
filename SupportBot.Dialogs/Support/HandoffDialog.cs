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
                step.Context.Activity.From?.Id,
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
            : await step.EndDialogAsync("handoff", ct),
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
                ask.Prompt!.SuggestedActions = new Schema.SuggestedActions { Actions = [new Schema.CardAction { Title = support.Labels.NoComment, Value = System.Text.Json.JsonSerializer.SerializeToElement(support.Labels.NoComment) }] };
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
                supportCase.Satisfaction = new Satisfaction(rating, comment is null || comment == support.Labels.NoComment ? null : comment);
            }
            await step.Context.SendActivityAsync(await support.RenderAsync(step.Context, support.Messages.Closing, ct), ct);
            return await step.EndDialogAsync("closed", ct);
        },
    ]);
}
