using System.Globalization;
using System.Text.RegularExpressions;

namespace SupportBot.Dialogs.Playbook;

/// <summary>The rules a playbook must keep before the bot uses it.</summary>
public static partial class PlaybookValidator
{
    public const int MinimumUtterances = 15;

    private static readonly string[] Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex TopicId();

    public static IReadOnlyList<PlaybookProblem> Validate(Playbook playbook)
    {
        var problems = new List<PlaybookProblem>();
        void Problem(string path, string message) => problems.Add(new PlaybookProblem(path, message));

        if (playbook.Version < 1)
        {
            Problem("$.version", "The version must be 1 or more.");
        }
        if (playbook.Thresholds is { Unsure: var unsure, Confident: var confident } && !(0 < unsure && unsure < confident && confident <= 1))
        {
            Problem("$.thresholds", $"Expected 0 < unsure < confident <= 1; got unsure {unsure} and confident {confident}.");
        }
        ValidateHours(playbook.BusinessHours, Problem);

        foreach (var property in typeof(Messages).GetProperties())
        {
            if (string.IsNullOrWhiteSpace(property.GetValue(playbook.Messages) as string))
            {
                Problem($"$.messages.{JsonName(property.Name)}", "Every message the bot sends must have text.");
            }
        }
        if (playbook.Choices.Ratings.Count < 2)
        {
            Problem("$.choices.ratings", "The satisfaction question needs at least two ratings.");
        }

        if (playbook.Topics.Count == 0)
        {
            Problem("$.topics", "The playbook needs at least one topic.");
        }
        var seenIds = new HashSet<string>();
        var utteranceOwner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < playbook.Topics.Count; i++)
        {
            var topic = playbook.Topics[i];
            var path = $"$.topics[{i}]";
            if (!TopicId().IsMatch(topic.Id))
            {
                Problem($"{path}.id", $"'{topic.Id}' is not a valid id: use lower-case letters, digits and underscores.");
            }
            else if (!seenIds.Add(topic.Id))
            {
                Problem($"{path}.id", $"Another topic already has the id '{topic.Id}'.");
            }
            if (string.IsNullOrWhiteSpace(topic.Name))
            {
                Problem($"{path}.name", "A topic needs a name customers recognise.");
            }
            if (string.IsNullOrWhiteSpace(topic.Reflect))
            {
                Problem($"{path}.reflect", "A topic needs a sentence that reflects the customer's need back to them.");
            }
            if (topic.Utterances.Count < MinimumUtterances)
            {
                Problem($"{path}.utterances", $"A topic needs at least {MinimumUtterances} example utterances to be recognised; it has {topic.Utterances.Count}.");
            }
            for (var u = 0; u < topic.Utterances.Count; u++)
            {
                var utterance = topic.Utterances[u].Trim();
                if (utterance.Length == 0)
                {
                    Problem($"{path}.utterances[{u}]", "An utterance cannot be empty.");
                }
                else if (utteranceOwner.TryGetValue(utterance, out var owner) && owner != topic.Id)
                {
                    Problem($"{path}.utterances[{u}]", $"'{utterance}' is also an utterance of topic '{owner}'; the recogniser cannot tell them apart.");
                }
                else
                {
                    utteranceOwner[utterance] = topic.Id;
                }
            }
            if (topic.Resolution is null && !topic.HandToPerson)
            {
                Problem(path, "A topic needs a resolution or handToPerson: true, or customers reach a dead end.");
            }
            else if (topic.Resolution is not null && string.IsNullOrWhiteSpace(topic.Resolution))
            {
                Problem($"{path}.resolution", "A resolution must have text; leave it out when only a person can help.");
            }
            var detailNames = new HashSet<string>();
            for (var d = 0; d < topic.Details.Count; d++)
            {
                var detail = topic.Details[d];
                var detailPath = $"{path}.details[{d}]";
                if (!TopicId().IsMatch(detail.Name.ToLowerInvariant()) || !detailNames.Add(detail.Name))
                {
                    Problem($"{detailPath}.name", $"'{detail.Name}' must be a unique word of letters and digits.");
                }
                if (string.IsNullOrWhiteSpace(detail.Question))
                {
                    Problem($"{detailPath}.question", "A detail needs the open question that asks for it.");
                }
                if (detail.Pattern is not null && !IsRegex(detail.Pattern, out var error))
                {
                    Problem($"{detailPath}.pattern", $"Not a valid regular expression: {error}");
                }
            }
            foreach (var (field, text) in new[] { ("reflect", topic.Reflect), ("resolution", topic.Resolution ?? "") })
            {
                foreach (var name in Template.Placeholders(text).Where(n => !detailNames.Contains(n)))
                {
                    Problem($"{path}.{field}", $"{{{name}}} is not a detail of this topic.");
                }
            }
        }
        ValidateNoDeadEnds(playbook, Problem);
        for (var f = 0; f < playbook.FallbackTopics.Count; f++)
        {
            if (!seenIds.Contains(playbook.FallbackTopics[f]))
            {
                Problem($"$.fallbackTopics[{f}]", $"No topic has the id '{playbook.FallbackTopics[f]}'.");
            }
        }
        return problems;
    }

    /// <summary>Messages the bot sends without choices (the rest always carry them).</summary>
    private static readonly string[] SentWithoutChoices =
        ["AskName", "AskNameRetry", "Greeting", "Welcome", "GreetingReturning", "GreetingReturningSince", "Rephrase", "Clarify", "AnythingElse", "CsatComment", "Closing", "Help", "StartOver",
         "HandoffRequested", "HandoffPosition", "HandoffAccepted", "HandoffRequeued", "HandoffEnded", "LeaveMessageContact"];

    /// <summary>Choices, not refusals: a message that reaches the customer without choices must not refuse.</summary>
    private static void ValidateNoDeadEnds(Playbook playbook, Action<string, string> problem)
    {
        foreach (var name in SentWithoutChoices)
        {
            if (typeof(Messages).GetProperty(name)!.GetValue(playbook.Messages) is string text && Support.DeadEndGuard.IsRefusal(text))
            {
                problem($"$.messages.{JsonName(name)}", "This message is sent without choices, so it must not refuse or give up: say what the bot can do instead.");
            }
        }
        for (var i = 0; i < playbook.Topics.Count; i++)
        {
            if (playbook.Topics[i].Resolution is { } resolution && Support.DeadEndGuard.IsRefusal(resolution))
            {
                problem($"$.topics[{i}].resolution", "A resolution must not refuse: say what can be done, or set handToPerson.");
            }
        }
    }

    private static void ValidateHours(BusinessHours hours, Action<string, string> problem)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(hours.TimeZone);
        }
        // a folder of zones such as "Europe" is "found" but cannot be read: a SecurityException
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or System.Security.SecurityException)
        {
            problem("$.businessHours.timeZone", $"'{hours.TimeZone}' is not a known time zone (use an IANA name such as Europe/London).");
        }
        var open = BusinessHours.TryParse(hours.Open, closing: false, out var o);
        var close = BusinessHours.TryParse(hours.Close, closing: true, out var c);
        if (!open)
        {
            problem("$.businessHours.open", $"'{hours.Open}' is not a time like 08:00.");
        }
        if (!close)
        {
            problem("$.businessHours.close", $"'{hours.Close}' is not a time like 20:00 (or 24:00 for midnight).");
        }
        if (open && close && c <= o)
        {
            problem("$.businessHours.close", "Closing time must be after opening time.");
        }
        for (var i = 0; i < hours.Days.Count; i++)
        {
            if (!Weekdays.Contains(hours.Days[i]))
            {
                problem($"$.businessHours.days[{i}]", $"'{hours.Days[i]}' is not one of {string.Join(", ", Weekdays)}.");
            }
        }
    }

    private static bool IsRegex(string pattern, out string error)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            error = "";
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
