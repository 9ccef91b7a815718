using SupportBot.Dialogs.Dialogs;

namespace SupportBot.Dialogs.Support;

/// <summary>What a customer may say at any step, whatever the bot just asked.</summary>
public static class Interruptions
{
    private static readonly HashSet<string> StartOver = ["start over", "start again", "restart", "reset", "begin again", "from the beginning", "start from scratch"];
    private static readonly HashSet<string> Help = ["help", "help me", "what can you do", "what can you help with", "menu", "options"];

    public static bool AsksForPerson(string text, Playbook.Playbook playbook)
    {
        var normalized = $" {ChoiceRecognizer.Normalize(text)} ";
        return normalized.Trim() == ChoiceRecognizer.Normalize(playbook.Choices.TalkToPerson)
            || playbook.HandoffPhrases.Any(p => normalized.Contains($" {ChoiceRecognizer.Normalize(p)} ", StringComparison.Ordinal));
    }

    /// <summary>The words are a handoff phrase or the choice and nothing more, so they say nothing about the need.</summary>
    public static bool IsOnlyAskingForPerson(string text, Playbook.Playbook playbook)
    {
        var normalized = ChoiceRecognizer.Normalize(text);
        return normalized == ChoiceRecognizer.Normalize(playbook.Choices.TalkToPerson)
            || playbook.HandoffPhrases.Any(p => normalized == ChoiceRecognizer.Normalize(p));
    }

    public static bool IsStartOver(string text) => StartOver.Contains(ChoiceRecognizer.Normalize(text));

    public static bool IsHelp(string text) => Help.Contains(ChoiceRecognizer.Normalize(text));

    /// <summary>Frustration phrases from the playbook, or shouting: three or more words in capitals (an order
    /// reference like "ABCD-1234" is not shouting).</summary>
    public static bool IsFrustrated(string text, Playbook.Playbook playbook)
    {
        var normalized = $" {ChoiceRecognizer.Normalize(text)} ";
        if (playbook.FrustrationPhrases.Any(p => normalized.Contains($" {ChoiceRecognizer.Normalize(p)} ", StringComparison.Ordinal)))
        {
            return true;
        }
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetter) && !w.Any(char.IsDigit)).ToList();
        var letters = words.SelectMany(w => w.Where(char.IsLetter)).ToList();
        return words.Count >= 3 && letters.Count >= 8 && letters.Count(char.IsUpper) >= letters.Count * 0.8;
    }
}
