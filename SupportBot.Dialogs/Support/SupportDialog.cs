using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>The root of a support conversation. Know their name: learn it once, greet with it once per conversation (thanking a returning customer),
/// then listen with an open question.</summary>
public static class SupportDialog
{
    public static WaterfallDialog Create(SupportContext support) => new(DialogIds.Support,
    [
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            var profile = await support.ProfileAsync(step.Context, ct);
            if (step.Context.Activity is { Type: ActivityTypes.Message, Text: { Length: > 0 } opening } && !IsSmallTalk(opening))
            {
                step.Values.Set("opening", opening);
            }
            if (supportCase.Greeted)
            {
                supportCase.StartNew(); // the previous case ended: its topic and details belong to it
                return await step.NextAsync(null, ct);
            }
            profile.Name ??= NameFromChannel(step.Context.Activity);
            // Teams knows who the customer is (the name arrives with their first message); asking would be odd.
            return profile.Name is not null || step.Context.Activity.IsTeams()
                ? await step.NextAsync(null, ct)
                : await step.PromptAsync(DialogIds.Text, PromptOptions.Of(support.Messages.AskName, support.Messages.AskNameRetry), ct);
        },
        async (step, ct) =>
        {
            var supportCase = await support.CaseAsync(step.Context, ct);
            var profile = await support.ProfileAsync(step.Context, ct);
            var opening = step.Values.Get<string>("opening");
            if (step.Result is string answer)
            {
                profile.Name = NameIn(answer);
                if (profile.Name is null && opening is null && !IsSmallTalk(answer))
                {
                    opening = answer; // they answered with what they need: keep it, never ask them to say it again
                }
            }
            if (supportCase.Greeted)
            {
                return await step.BeginDialogAsync(DialogIds.Case, new CaseOptions(opening, support.Messages.AnythingElse), ct);
            }

            supportCase.Greeted = true;
            var returning = profile.LastConversationId is not null && profile.LastConversationId != step.Context.Activity.Conversation?.Id;
            var since = profile.FirstSeen?.Year < support.Clock.GetUtcNow().Year ? profile.FirstSeen?.Year : null;
            profile.FirstSeen ??= support.Clock.GetUtcNow();
            profile.LastConversationId = step.Context.Activity.Conversation?.Id;
            profile.Conversations++;

            var greeting = !returning ? support.Messages.Greeting
                : since is not null ? support.Messages.GreetingReturningSince
                : support.Messages.GreetingReturning;
            var extra = new Dictionary<string, string> { ["since"] = since?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "" };
            if (opening is not null)
            {
                // They opened with their question: greet, and never ask them to repeat it.
                var welcome = returning ? FirstSentence(greeting) : support.Messages.Welcome;
                await step.Context.SendActivityAsync(await support.RenderAsync(step.Context, welcome, ct, extra), ct);
                return await step.BeginDialogAsync(DialogIds.Case, new CaseOptions(opening), ct);
            }
            return await step.BeginDialogAsync(DialogIds.Case, new CaseOptions(null, await support.RenderAsync(step.Context, greeting, ct, extra)), ct);
        },
        (step, ct) => step.EndDialogAsync(step.Result, ct),
    ]);

    internal static string? NameFromChannel(Activity activity)
    {
        var name = activity.From?.Name?.Trim().Split(' ')[0];
        return name is null || !IsName(name) || name.Equals("user", StringComparison.OrdinalIgnoreCase) || name.Equals("You", StringComparison.OrdinalIgnoreCase)
            ? null
            : name;
    }

    /// <summary>A first name: letters, apostrophes and hyphens, as people's names are; anything else is not used.</summary>
    private static bool IsName(string name) =>
        name.Length is > 0 and <= 40 && name.All(c => char.IsLetter(c) || c is '\'' or '’' or '-') && char.IsLetter(name[0]);

    /// <summary>"I'm Priya" or "priya sharma." give "Priya"; an answer that is not a short name ("I was charged twice
    /// for order 654321") is not taken for one, and leaves the customer unnamed.</summary>
    private static string? NameIn(string answer)
    {
        var words = ChoiceRecognizer.Normalize(answer).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("i" or "im" or "am" or "my" or "name" or "is" or "its" or "call" or "me" or "hi" or "hello" or "it"))
            .ToList();
        return words is { Count: > 0 and <= MaxNameWords } && words.All(IsName) ? char.ToUpperInvariant(words[0][0]) + words[0][1..] : null;
    }

    private const int MaxNameWords = 3; // a first name, a middle name, a surname

    private static readonly HashSet<string> SmallTalk = ["hi", "hello", "hey", "hiya", "hi there", "hello there", "good morning", "good afternoon", "good evening", "morning", "yo", "help", "start"];

    private static bool IsSmallTalk(string text) => SmallTalk.Contains(ChoiceRecognizer.Normalize(text));

    private static string FirstSentence(string text)
    {
        var end = text.IndexOfAny(['!', '.']);
        return end > 0 ? text[..(end + 1)] : text;
    }
}
