using System.Globalization;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Why the handoff dialog starts: a person was asked for, or an external hub could not take the conversation
/// (<see cref="Failed"/> then holds what to tell the customer).</summary>
public sealed record HandoffOptions(bool Failed);

/// <summary>Hand off with context: records everything gathered for the person who takes over, queues the customer
/// and tells them honestly where they stand; when nobody can come, offers choices instead of a dead end.</summary>
public static class HandoffDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Handoff,
    [
        async (step, ct) =>
        {
            var failed = step.Options.Deserialize<HandoffOptions>()?.Failed == true;
            var supportCase = await support.CaseAsync(step.Context, ct);
            supportCase.Outcome = "handoff";
            supportCase.Handoff = await RequestAsync(support, step.Context, ct);
            var open = support.IsOpen();
            if (!failed)
            {
                var status = await support.Hub.StatusAsync(step.Context, ct);
                if (status.External || (open && status.AgentsAvailable > 0))
                {
                    return await step.EndDialogAsync(await WaitAsync(support, step.Context, ct), ct);
                }
            }
            // Nobody can come now: say when people are there and what can happen instead, never a bare "no".
            var message = failed ? support.Messages.HandoffFailed : open ? support.Messages.HandoffNobodyAvailable : support.Messages.HandoffOutOfHours;
            List<Choice> choices = [new(support.Labels.LeaveMessage), new(support.Labels.KeepGoing)];
            if (open && !failed)
            {
                choices.Add(new(support.Labels.WaitForPerson));
            }
            var ask = PromptOptions.Of(await support.RenderAsync(step.Context, message, ct));
            ChoiceFactory.ForChannel(step.Context.Activity, ask.Prompt!, choices);
            // Free text is heard too: whatever the customer writes instead becomes a new case.
            return await step.PromptAsync(DialogIds.Text, ask, ct);
        },
        async (step, ct) =>
        {
            var text = step.Result as string ?? "";
            if (IsLabel(text, support.Labels.LeaveMessage))
            {
                return await step.ReplaceDialogAsync(DialogIds.LeaveMessage, null, ct);
            }
            if (IsLabel(text, support.Labels.WaitForPerson))
            {
                return await step.EndDialogAsync(await WaitAsync(support, step.Context, ct), ct);
            }
            // The handoff request stays recorded; the next need is a case of its own.
            (await support.CaseAsync(step.Context, ct)).StartNew();
            return IsLabel(text, support.Labels.KeepGoing) || IsLabel(text, support.Labels.SomethingElse) || text.Length == 0
                ? await step.EndDialogAsync(new Restate(null, support.Messages.AnythingElse), ct)
                : await step.EndDialogAsync(new Restate(text), ct);
        },
    ]);

    /// <summary>Asks the hub for a person. The built-in hub queues the customer, who is told their place and the wait;
    /// an external contact centre takes the conversation over at once and the bot falls silent.</summary>
    public static async Task<CaseEnded> WaitAsync(SupportContext support, ITurnContext context, CancellationToken cancellationToken)
    {
        var supportCase = await support.CaseAsync(context, cancellationToken);
        supportCase.Handoff ??= await RequestAsync(support, context, cancellationToken);
        var status = await support.Hub.RequestAsync(context, supportCase.Handoff, cancellationToken);
        if (status.External)
        {
            supportCase.HandedOff = HandoffPhase.WithAgent;
            await context.SendActivityAsync(await support.RenderAsync(context, support.Messages.HandoffRequested, cancellationToken), cancellationToken);
        }
        else
        {
            supportCase.HandedOff = HandoffPhase.Waiting;
            await SayWaitingAsync(support, context, support.Messages.HandoffWaiting, status, cancellationToken);
        }
        return new CaseEnded("handoff");
    }

    /// <summary>A waiting message with the customer's place and wait filled in, and the choices they have while waiting.</summary>
    public static async Task SayWaitingAsync(SupportContext support, ITurnContext context, string template, HubStatus status, CancellationToken cancellationToken,
        string? agent = null)
    {
        var values = QueueValues(status);
        values["agent"] = agent ?? "";
        var reply = context.Activity.CreateReply(await support.RenderAsync(context, template, cancellationToken, values));
        ChoiceFactory.ForChannel(context.Activity, reply,
            [new Choice(support.Labels.KeepWaiting), new Choice(support.Labels.LeaveMessage), new Choice(support.Labels.KeepGoing)]);
        await context.SendActivityAsync(reply, cancellationToken);
    }

    /// <summary>{position} and {wait} as the customer reads them.</summary>
    public static Dictionary<string, string> QueueValues(HubStatus status) => new()
    {
        ["position"] = (status.Position ?? 1).ToString(CultureInfo.InvariantCulture),
        ["wait"] = status.EstimatedWait is not { } wait || wait < TimeSpan.FromSeconds(60) ? "less than a minute"
            : wait < TimeSpan.FromSeconds(90) ? "about a minute"
            : $"about {Math.Round(wait.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minutes",
    };

    public static bool IsLabel(string text, string label) => ChoiceRecognizer.Recognize(text, [new Choice(label)]) is not null;

    /// <summary>The context package: who the customer is, what they need, everything gathered, and a summary.</summary>
    private static async Task<HandoffRequest> RequestAsync(SupportContext support, ITurnContext context, CancellationToken cancellationToken)
    {
        var supportCase = await support.CaseAsync(context, cancellationToken);
        var profile = await support.ProfileAsync(context, cancellationToken);
        var topic = supportCase.TopicId is { } id ? support.Playbook.FindTopic(id) : null;
        return new HandoffRequest(
            profile.Name,
            context.Activity.CustomerId(),
            context.Activity.ChannelId,
            profile.Conversations > 1,
            profile.FirstSeen?.Year,
            topic?.Id,
            topic?.Name,
            supportCase.Confidence,
            new Dictionary<string, string>(supportCase.Details),
            Summarize(supportCase, topic),
            supportCase.Frustrated,
            support.Clock.GetUtcNow());
    }

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
