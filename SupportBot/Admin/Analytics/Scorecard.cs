using SupportBot.Admin.Lint;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;

namespace SupportBot.Admin.Analytics;

/// <summary>The customer-service rules checked on what the bot really said in one conversation.</summary>
public static class Scorecard
{
    public const string NameAtGreetingAndClose = "name-at-greeting-and-close";
    public const string ChoicesAtDeadEnds = "choices-at-every-dead-end";
    public const string FirstQuestionOpen = "first-question-open";

    public static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>
    {
        [NameAtGreetingAndClose] = "The customer's name was used at the greeting and, when the conversation closed, at the close (conversations where the name is known)",
        [ChoicesAtDeadEnds] = "Every refusal or 'not understood' came with choices (all conversations)",
        [FirstQuestionOpen] = "The bot's first question was open, not yes/no (conversations where it asked one)",
    };

    /// <summary>Each rule that applies to the conversation, and whether it was kept.</summary>
    public static IEnumerable<(string Rule, bool Kept)> Score(IReadOnlyList<Activity> activities, string? name, bool closed, IReadOnlySet<string> deadEndReplies)
    {
        var said = activities.Where(a => a.Type == ActivityTypes.Message && a.From?.Role == RoleTypes.Bot && !string.IsNullOrEmpty(a.Text)).ToList();
        if (said.Count == 0)
        {
            yield break;
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            var greeted = said[0].Text!.Contains(name, StringComparison.OrdinalIgnoreCase);
            // The close is the last thing the bot says once the customer has rated the conversation.
            var closedWithName = !closed || said[^1].Text!.Contains(name, StringComparison.OrdinalIgnoreCase);
            yield return (NameAtGreetingAndClose, greeted && closedWithName);
        }
        yield return (ChoicesAtDeadEnds, said.Where(a => DeadEndGuard.IsRefusal(a.Text) || deadEndReplies.Contains(a.Text!)).All(HasChoices));
        if (said.FirstOrDefault(a => QuestionShape.IsQuestion(a.Text!)) is { } first)
        {
            yield return (FirstQuestionOpen, !QuestionShape.IsClosed(first.Text!));
        }
    }

    private static bool HasChoices(Activity reply) => reply.SuggestedActions is { Actions.Count: > 0 } || reply.Attachments is { Count: > 0 };
}
