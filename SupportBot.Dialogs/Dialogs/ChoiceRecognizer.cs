using System.Text.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Finds which choice a customer meant: a tapped button's value, the title or a synonym (ignoring case,
/// punctuation and small typos), a number ("2"), or an ordinal ("the second one").</summary>
public static class ChoiceRecognizer
{
    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
    private static readonly HashSet<string> Fillers = ["the", "one", "option", "choice", "number", "no", "please", "i", "ll", "take", "want", "pick", "id", "like", "go", "with", "for", "me", "a"];

    public static FoundChoice? Recognize(Activity activity, IReadOnlyList<Choice> choices)
    {
        var input = activity.SubmittedChoice() ?? activity.Text;
        return string.IsNullOrWhiteSpace(input) ? null : Recognize(input, choices);
    }

    public static FoundChoice? Recognize(string input, IReadOnlyList<Choice> choices)
    {
        var text = Normalize(input);
        if (text.Length == 0 || choices.Count == 0)
        {
            return null;
        }
        var candidates = choices
            .SelectMany((c, i) => new[] { c.Value }.Concat(c.Synonyms ?? []).Select(s => (Index: i, Text: Normalize(s))))
            .Where(c => c.Text.Length > 0)
            .ToList();

        var exact = candidates.FirstOrDefault(c => c.Text == text);
        if (exact.Text is not null)
        {
            return Found(choices, exact.Index);
        }
        if (Position(text, choices.Count) is { } position)
        {
            return Found(choices, position);
        }

        // "talk to a person please" names the choice "Talk to a person": the longest whole-word match wins.
        var contained = candidates
            .Where(c => ContainsWords(text, c.Text))
            .OrderByDescending(c => c.Text.Length)
            .ToList();
        if (contained.Count > 0 && contained.Select(c => c.Index).Distinct().Count() == 1 || contained.Count > 1 && contained[0].Text.Length > contained[1].Text.Length)
        {
            return Found(choices, contained[0].Index);
        }

        // Small typos: the closest title within about one edit in five letters, when it is the only one that close.
        var scored = candidates
            .Select(c => (c.Index, Distance: EditDistance(text, c.Text), Allowed: Math.Max(1, c.Text.Length / 5)))
            .Where(c => c.Distance <= c.Allowed)
            .OrderBy(c => c.Distance)
            .ToList();
        if (scored.Count > 0 && (scored.Count == 1 || scored[0].Distance < scored[1].Distance || scored.All(s => s.Index == scored[0].Index)))
        {
            return Found(choices, scored[0].Index);
        }
        return null;
    }

    /// <summary>"2", "#2", "number 2", "2nd", "second", "the second one", "last".</summary>
    private static int? Position(string text, int count)
    {
        var words = text.Split(' ').Where(w => !Fillers.Contains(w)).ToArray();
        if (words.Length != 1)
        {
            return null;
        }
        var word = words[0];
        int? index = null;
        if (int.TryParse(word, out var number))
        {
            index = number - 1;
        }
        else if (Array.IndexOf(Ordinals, word) is var ordinal and >= 0)
        {
            index = ordinal;
        }
        else if (word is "last")
        {
            index = count - 1;
        }
        else if (word.Length > 2 && word[^2..] is "st" or "nd" or "rd" or "th" && int.TryParse(word[..^2], out var numbered))
        {
            index = numbered - 1;
        }
        return index is >= 0 && index < count ? index : null;
    }

    /// <summary>Letters and digits in lower case, every run of anything else one space, none at either end; apostrophes
    /// dropped ("don't" is "dont"). Built in place: it runs on every phrase a message is compared with.</summary>
    internal static string Normalize(string text)
    {
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var space = true; // at the start, or just after a space: no space to add
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                buffer[length++] = char.ToLowerInvariant(ch);
                space = false;
            }
            else if (ch != '\'' && ch != '’' && !space)
            {
                buffer[length++] = ' ';
                space = true;
            }
        }
        if (length > 0 && buffer[length - 1] == ' ')
        {
            length--;
        }
        return new string(buffer[..length]);
    }

    /// <summary>Whether normalised <paramref name="text"/> holds normalised <paramref name="words"/> as whole words.</summary>
    internal static bool ContainsWords(string text, string words)
    {
        if (words.Length == 0)
        {
            return false;
        }
        for (var at = text.IndexOf(words, StringComparison.Ordinal); at >= 0; at = text.IndexOf(words, at + 1, StringComparison.Ordinal))
        {
            var end = at + words.Length;
            if ((at == 0 || text[at - 1] == ' ') && (end == text.Length || text[end] == ' '))
            {
                return true;
            }
        }
        return false;
    }

    private static FoundChoice Found(IReadOnlyList<Choice> choices, int index) => new(choices[index].Value, index);

    internal static int EditDistance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 3)
        {
            return int.MaxValue;
        }
        Span<int> previous = b.Length < 128 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        Span<int> current = b.Length < 128 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }
}

/// <summary>Yes or no in the ways customers say them; null when the answer is neither.</summary>
public static class ConfirmRecognizer
{
    private static readonly HashSet<string> Yes = ["yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "correct", "right", "that s right", "thats right", "absolutely", "of course", "please do", "yes please", "true"];
    private static readonly HashSet<string> No = ["no", "n", "nope", "nah", "not really", "no thanks", "no thank you", "wrong", "incorrect", "false", "not right"];

    public static bool? Recognize(Activity activity)
    {
        // A tapped card button (Adaptive Card Action.Submit) sends {choice: "Yes"} with no text.
        var input = activity.SubmittedChoice() ?? activity.Text;
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }
        var text = ChoiceRecognizer.Normalize(input);
        if (Yes.Contains(text))
        {
            return true;
        }
        if (No.Contains(text))
        {
            return false;
        }
        var first = text.Split(' ')[0];
        return first is "yes" or "yeah" or "yep" ? true : first is "no" or "nope" or "nah" ? false : null;
    }
}
