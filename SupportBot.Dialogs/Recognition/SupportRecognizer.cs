using SupportBot.Dialogs.Playbook;

namespace SupportBot.Dialogs.Recognition;

public enum Confidence { Confident, Unsure, NotUnderstood }

/// <summary>What the bot understood from one message: the likely topics and how sure it is.</summary>
public sealed record Understanding(string Text, IReadOnlyList<IntentScore> TopIntents, Confidence Confidence)
{
    public string? TopTopic => TopIntents.Count > 0 ? TopIntents[0].Intent : null;
}

/// <summary>The playbook in force and the recogniser trained from it, swapped together.</summary>
public sealed class PlaybookRuntime(Playbook.Playbook playbook, IntentRecognizer recognizer)
{
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "the", "i", "im", "me", "my", "you", "your", "we", "our", "it", "its", "is", "are", "was", "were", "be", "been", "am",
        "do", "does", "did", "to", "of", "in", "on", "at", "for", "with", "and", "or", "but", "so", "if", "this", "that", "what", "whats",
        "where", "wheres", "when", "how", "why", "who", "can", "could", "would", "will", "please", "hi", "hello", "hey", "there", "just",
        "like", "about", "some", "any", "have", "has", "had", "not", "no", "yes", "get", "got", "still", "thanks", "thank",
    ];

    private readonly HashSet<string> _vocabulary = playbook.Topics.SelectMany(t => t.Utterances).SelectMany(Words).ToHashSet();

    public Playbook.Playbook Playbook { get; } = playbook;

    public IntentRecognizer Recognizer { get; } = recognizer;

    public static IEnumerable<(string Text, string Intent)> TrainingData(Playbook.Playbook playbook) =>
        playbook.Topics.SelectMany(t => t.Utterances.Select(u => (u, t.Id)));

    /// <summary>A playbook has a few hundred utterances, not thousands: stronger regularisation keeps the model from
    /// being sure about text unlike anything it was shown.</summary>
    public const float PlaybookRegularization = 0.03f;

    public static PlaybookRuntime Train(Playbook.Playbook playbook) =>
        new(playbook, IntentRecognizer.Train(TrainingData(playbook), PlaybookRegularization));

    /// <summary>Recognises a message and places it in the playbook's confidence bands.</summary>
    public Understanding Understand(string text)
    {
        var scores = Recognizer.Recognize(text);
        var top = scores.Take(3).ToList();
        var thresholds = Playbook.Thresholds;
        var coverage = Coverage(text);
        var confidence = top.Count == 0 || top[0].Score < thresholds.Unsure || coverage == 0 ? Confidence.NotUnderstood
            : top[0].Score >= thresholds.Confident && coverage >= MinimumCoverage ? Confidence.Confident
            : Confidence.Unsure;
        return new Understanding(text, top, confidence);
    }

    /// <summary>Below this share of known words the model is guessing, however sure its scores look.</summary>
    public const double MinimumCoverage = 0.3;

    /// <summary>The share of the message's meaningful words that the playbook's utterances use (allowing a typo
    /// in longer words); 1 when the message has no meaningful words to judge by.</summary>
    public double Coverage(string text)
    {
        var words = Words(text).ToList();
        if (words.Count == 0)
        {
            return 1;
        }
        var known = words.Count(w => _vocabulary.Contains(w)
            || w.Length >= 5 && _vocabulary.Any(v => Math.Abs(v.Length - w.Length) <= 1 && Dialogs.ChoiceRecognizer.EditDistance(v, w) <= 1));
        return (double)known / words.Count;
    }

    private static IEnumerable<string> Words(string text) =>
        Dialogs.ChoiceRecognizer.Normalize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 1 && !StopWords.Contains(w) && !w.All(char.IsDigit));
}
