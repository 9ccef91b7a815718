using System.Text.RegularExpressions;
using SupportBot.Dialogs.Playbook;

namespace SupportBot.Admin.Lint;

/// <summary>A finding about a playbook, at a JSON path. Errors stop a save or a publish; warnings are shown.</summary>
public sealed record LintProblem(string Path, string Message, string Severity, string Rule)
{
    public const string Error = "error";
    public const string Warning = "warning";
}

/// <summary>The customer-service rules as checks on the text of a playbook, beyond what the loader already refuses
/// (schema, missing text, dead ends, fewer than <see cref="PlaybookValidator.MinimumUtterances"/> utterances, the
/// exact same utterance in two topics).</summary>
public static partial class PlaybookLint
{
    /// <summary>Where the customer's name belongs: the start and the close of a conversation, and the apology.</summary>
    private static readonly HashSet<string> NameAllowed =
        ["$.messages.greeting", "$.messages.welcome", "$.messages.greetingReturning", "$.messages.greetingReturningSince", "$.messages.closing", "$.messages.apology"];

    private static readonly string[] RefusalPhrases = ["can't", "cannot", "can not", "unable", "not possible", "impossible", "won't be able"];

    [GeneratedRegex(@"^\s*no\s*(?:[.,!]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex BareNo();

    [GeneratedRegex(@"\b(or|instead|you can|we can|i can|would you like|let me|try|a person|someone|our team|here's|here is)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Alternative();

    [GeneratedRegex(@"[^a-z0-9 ]")]
    private static partial Regex NotWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>Parses and checks a playbook document: the loader's problems (all errors), then the lint rules.</summary>
    public static (Playbook? Playbook, IReadOnlyList<LintProblem> Problems) Check(string json)
    {
        var loaded = PlaybookLoader.Parse(json);
        var problems = loaded.Problems.Select(p => new LintProblem(p.Path, p.Message, LintProblem.Error, "validation")).ToList();
        if (loaded.Playbook is null)
        {
            return (null, problems);
        }
        var reported = problems.Select(p => p.Path).ToHashSet();
        problems.AddRange(Rules(loaded.Playbook).Where(p => !reported.Contains(p.Path)));
        return (loaded.Playbook, problems);
    }

    public static IEnumerable<LintProblem> Rules(Playbook playbook)
    {
        foreach (var (path, text) in CustomerTexts(playbook))
        {
            if (IsRefusal(text) && !Alternative().IsMatch(text))
            {
                yield return new(path, "This refuses without an alternative: say what the bot or a person can do instead.", LintProblem.Error, "refusal-without-alternative");
            }
            if (Template.Placeholders(text).Contains("name") && !NameAllowed.Contains(path))
            {
                yield return new(path, "The customer's {name} belongs in the greeting, the closing and the apology; in every message it sounds scripted.", LintProblem.Warning, "name-placeholder");
            }
        }
        foreach (var (path, question) in OpenQuestions(playbook))
        {
            if (QuestionShape.IsClosed(question))
            {
                yield return new(path, "This question can be answered only yes or no; ask an open one (what, which, how, tell me...).", LintProblem.Error, "closed-question");
            }
        }
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var t = 0; t < playbook.Topics.Count; t++)
        {
            var topic = playbook.Topics[t];
            for (var u = 0; u < topic.Utterances.Count; u++)
            {
                var key = Normalize(topic.Utterances[u]);
                if (owner.TryGetValue(key, out var other) && other != topic.Id)
                {
                    yield return new($"$.topics[{t}].utterances[{u}]", $"'{topic.Utterances[u]}' is, but for spelling, an utterance of topic '{other}' too.", LintProblem.Error, "duplicate-utterance");
                }
                owner.TryAdd(key, topic.Id);
            }
        }
    }

    /// <summary>"Can't log in!" and "cant log in" are the same words to the recogniser.</summary>
    public static string Normalize(string utterance) =>
        Spaces().Replace(NotWord().Replace(utterance.ToLowerInvariant().Replace("'", "").Replace("’", ""), " "), " ").Trim();

    private static bool IsRefusal(string text)
    {
        var plain = text.Replace('’', '\'');
        return BareNo().IsMatch(plain) || RefusalPhrases.Any(r => plain.Contains(r, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Everything a customer reads: every message, each topic's reflection, questions and resolution, and
    /// the agents' canned replies.</summary>
    private static IEnumerable<(string Path, string Text)> CustomerTexts(Playbook playbook)
    {
        foreach (var property in typeof(Messages).GetProperties())
        {
            yield return ($"$.messages.{JsonName(property.Name)}", property.GetValue(playbook.Messages) as string ?? "");
        }
        for (var t = 0; t < playbook.Topics.Count; t++)
        {
            var topic = playbook.Topics[t];
            yield return ($"$.topics[{t}].reflect", topic.Reflect);
            if (topic.Resolution is { } resolution)
            {
                yield return ($"$.topics[{t}].resolution", resolution);
            }
        }
        foreach (var question in OpenQuestions(playbook).Where(q => !q.Path.StartsWith("$.messages.", StringComparison.Ordinal)))
        {
            yield return question;
        }
        for (var c = 0; c < playbook.CannedReplies.Count; c++)
        {
            yield return ($"$.cannedReplies[{c}]", playbook.CannedReplies[c]);
        }
    }

    /// <summary>Where the rules expect an open question: clarifying, asking for a detail, asking to rephrase.</summary>
    private static IEnumerable<(string Path, string Text)> OpenQuestions(Playbook playbook)
    {
        yield return ("$.messages.clarify", playbook.Messages.Clarify);
        yield return ("$.messages.rephrase", playbook.Messages.Rephrase);
        for (var t = 0; t < playbook.Topics.Count; t++)
        {
            var topic = playbook.Topics[t];
            for (var q = 0; q < topic.ClarifyingQuestions.Count; q++)
            {
                yield return ($"$.topics[{t}].clarifyingQuestions[{q}]", topic.ClarifyingQuestions[q]);
            }
            for (var d = 0; d < topic.Details.Count; d++)
            {
                yield return ($"$.topics[{t}].details[{d}].question", topic.Details[d].Question);
            }
        }
    }

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
