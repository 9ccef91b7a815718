using System.Text.RegularExpressions;

namespace SupportBot.Admin.Lint;

/// <summary>Tells an open question ("What happened?") from a closed one that a yes or a no answers ("Did it
/// arrive?"). Also used by analytics to score "the first question was open".</summary>
public static partial class QuestionShape
{
    private static readonly HashSet<string> Auxiliaries =
    [
        "is", "are", "was", "were", "am", "do", "does", "did", "have", "has", "had", "can", "could", "will", "would", "shall", "should",
        "may", "might", "isnt", "arent", "wasnt", "dont", "doesnt", "didnt", "havent", "hasnt", "cant", "couldnt", "wont", "wouldnt",
    ];

    [GeneratedRegex(@"\b(what|which|how|when|where|why|who|whose|whom|tell me|describe|explain|more about|in your own words)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OpenWords();

    [GeneratedRegex(@"[^.!?]*\?")]
    private static partial Regex Questions();

    /// <summary>True when some question in <paramref name="text"/> starts with an auxiliary verb and offers neither a
    /// question word nor alternatives ("... or ..."): it can only be answered yes or no.</summary>
    public static bool IsClosed(string text) => Questions().Matches(text).Any(m => IsClosedQuestion(m.Value));

    /// <summary>True when <paramref name="text"/> asks anything at all.</summary>
    public static bool IsQuestion(string text) => text.Contains('?');

    private static bool IsClosedQuestion(string question)
    {
        var first = question.Trim().Split(' ', 2)[0].Replace("'", "").Replace("’", "").ToLowerInvariant();
        return Auxiliaries.Contains(first) && !OpenWords().IsMatch(question)
            && !question.Contains(" or ", StringComparison.OrdinalIgnoreCase);
    }
}
