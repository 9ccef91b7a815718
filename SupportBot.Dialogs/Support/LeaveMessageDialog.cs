using System.Text.RegularExpressions;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Recognition;

namespace SupportBot.Dialogs.Support;

/// <summary>Leave a message for a person: how to reach the customer and anything to add, asked openly; the
/// follow-up reaches the agents with the whole context and the customer leaves the queue.</summary>
public static partial class LeaveMessageDialog
{
    public static readonly TimeSpan FollowUpWithin = TimeSpan.FromHours(24);

    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.LeaveMessage,
    [
        (step, ct) => step.PromptAsync(DialogIds.Text, PromptOptions.Of(support.Messages.LeaveMessageContact), ct),
        async (step, ct) =>
        {
            step.Values.Set("contact", ContactIn((string)step.Result!));
            var ask = PromptOptions.Of(support.Messages.LeaveMessageNote);
            ChoiceFactory.ForChannel(step.Context.Activity, ask.Prompt!, [new Choice(support.Labels.NothingToAdd)]);
            return await step.PromptAsync(DialogIds.Text, ask, ct);
        },
        async (step, ct) =>
        {
            var contact = step.Values.Get<string>("contact")!;
            var note = step.Result is string text && !HandoffDialog.IsLabel(text, support.Labels.NothingToAdd) ? Redactor.Redact(text) : null;
            var supportCase = await support.CaseAsync(step.Context, ct);
            var request = supportCase.Handoff ?? throw new InvalidOperationException("A message is left only after a person was asked for.");
            await support.Hub.LeaveMessageAsync(step.Context, new FollowUpRequest(contact, note, request), ct);
            if (supportCase.HandedOff is not null)
            {
                await support.Hub.WithdrawAsync(step.Context, ct);
                supportCase.HandedOff = null;
            }
            supportCase.StartNew();
            supportCase.Outcome = "follow-up";
            var done = await support.RenderAsync(step.Context, support.Messages.LeaveMessageDone, ct, new Dictionary<string, string> { ["contact"] = contact });
            return await step.EndDialogAsync(new Restate(null, done), ct);
        },
    ]);

    /// <summary>The email address or phone number in "please call me back on 07700 900123" (the rest of the sentence
    /// stays in the transcript the agent reads); the whole answer when it holds neither, or more than one.</summary>
    internal static string ContactIn(string answer)
    {
        var found = ContactDetail().Matches(answer);
        return found.Count == 1 ? found[0].Value.Trim() : answer.Trim();
    }

    [GeneratedRegex(@"[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[A-Za-z]{2,}|\+?\d[\d ().-]{5,}\d")]
    private static partial Regex ContactDetail();
}
