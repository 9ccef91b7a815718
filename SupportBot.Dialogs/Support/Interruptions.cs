using System.Runtime.CompilerServices;
using SupportBot.Dialogs.Dialogs;

namespace SupportBot.Dialogs.Support;

/// <summary>What a customer may say at any step, whatever the bot just asked.</summary>
public static class Interruptions
{
    private static readonly HashSet<string> StartOver = ["start over", "start again", "restart", "reset", "begin again", "from the beginning", "start from scratch"];
    private static readonly HashSet<string> Help = ["help", "help me", "what can you do", "what can you help with", "menu", "options"];

    private static readonly ConditionalWeakTable<Playbook.Playbook, Phrases> NormalizedPhrases = [];

    public static bool AsksForPerson(string text, Playbook.Playbook playbook)
    {
        var normalized = ChoiceRecognizer.Normalize(text);
        var phrases = PhrasesOf(playbook);
        return normalized == phrases.TalkToPerson || phrases.Handoff.Any(p => ChoiceRecognizer.ContainsWords(normalized, p));
    }

    /// <summary>The words are a handoff phrase or the choice and nothing more, so they say nothing about the need.</summary>
    public static bool IsOnlyAskingForPerson(string text, Playbook.Playbook playbook)
    {
        var normalized = ChoiceRecognizer.Normalize(text);
        var phrases = PhrasesOf(playbook);
        return normalized == phrases.TalkToPerson || phrases.Handoff.Contains(normalized);
    }

    public static bool IsStartOver(string text) => StartOver.Contains(ChoiceRecognizer.Normalize(text));

    public static bool IsHelp(string text) => Help.Contains(ChoiceRecognizer.Normalize(text));

    /// <summary>Frustration phrases from the playbook, or shouting: three or more words in capitals (an order
    /// reference like "ABCD-1234" is not shouting).</summary>
    public static bool IsFrustrated(string text, Playbook.Playbook playbook)
    {
        var normalized = ChoiceRecognizer.Normalize(text);
        if (PhrasesOf(playbook).Frustration.Any(p => ChoiceRecognizer.ContainsWords(normalized, p)))
        {
            return true;
        }
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetter) && !w.Any(char.IsDigit)).ToList();
        var letters = words.SelectMany(w => w.Where(char.IsLetter)).ToList();
        return words.Count >= 3 && letters.Count >= 8 && letters.Count(char.IsUpper) >= letters.Count * 0.8;
    }

    /// <summary>A playbook's phrases normalised once, not on every message (a playbook is not changed once loaded).</summary>
    private static Phrases PhrasesOf(Playbook.Playbook playbook) => NormalizedPhrases.GetValue(playbook, p => new Phrases(
        ChoiceRecognizer.Normalize(p.Choices.TalkToPerson),
        [.. p.HandoffPhrases.Select(ChoiceRecognizer.Normalize)],
        [.. p.FrustrationPhrases.Select(ChoiceRecognizer.Normalize)]));

    private sealed record Phrases(string TalkToPerson, string[] Handoff, string[] Frustration);
}
