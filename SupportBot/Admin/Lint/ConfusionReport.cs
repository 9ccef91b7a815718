using SupportBot.Dialogs.Recognition;

namespace SupportBot.Admin.Lint;

/// <summary>Two topics whose utterances the recogniser mixes up, measured by cross-validation.</summary>
public sealed record TopicConfusion(string TopicA, string TopicB, int Mistaken, int Utterances, double Share, IReadOnlyList<string> Examples);

/// <summary>Trains the recogniser on all but one fold of each topic's utterances and asks it about the fold it did
/// not see, for every fold: an utterance that lands in another topic shows where the two are hard to tell apart.</summary>
public static class ConfusionReport
{
    public const int Folds = 4;

    /// <summary>A pair is reported when at least this share of their held-out utterances went to the other one.</summary>
    public const double ReportedShare = 0.25;

    public static IReadOnlyList<TopicConfusion> Measure(Dialogs.Playbook.Playbook playbook)
    {
        // Fold by position within each topic, so every topic is in every training set.
        var examples = playbook.Topics.SelectMany(t => t.Utterances.Select((u, i) => (Text: u, Topic: t.Id, Fold: i % Folds))).ToList();
        var mistakes = new List<(string Actual, string Predicted, string Text)>();
        for (var fold = 0; fold < Folds; fold++)
        {
            var recognizer = IntentRecognizer.Train(examples.Where(e => e.Fold != fold).Select(e => (e.Text, e.Topic)), PlaybookRuntime.PlaybookRegularization);
            foreach (var example in examples.Where(e => e.Fold == fold))
            {
                var predicted = recognizer.Recognize(example.Text)[0].Intent;
                if (predicted != example.Topic)
                {
                    mistakes.Add((example.Topic, predicted, example.Text));
                }
            }
        }
        var sizes = playbook.Topics.ToDictionary(t => t.Id, t => t.Utterances.Count);
        return mistakes
            .GroupBy(m => string.CompareOrdinal(m.Actual, m.Predicted) < 0 ? (m.Actual, m.Predicted) : (m.Predicted, m.Actual))
            .Select(g => new TopicConfusion(g.Key.Item1, g.Key.Item2, g.Count(), sizes[g.Key.Item1] + sizes[g.Key.Item2],
                (double)g.Count() / (sizes[g.Key.Item1] + sizes[g.Key.Item2]), g.Select(m => m.Text).Take(5).ToList()))
            .OrderByDescending(c => c.Share)
            .ToList();
    }

    /// <summary>The pairs worth a warning, as lint problems at the first topic of each pair.</summary>
    public static IEnumerable<LintProblem> Warnings(Dialogs.Playbook.Playbook playbook, IReadOnlyList<TopicConfusion> confusions) =>
        confusions.Where(c => c.Share >= ReportedShare).Select(c => new LintProblem(
            $"$.topics[{playbook.Topics.FindIndex(t => t.Id == c.TopicA)}]",
            $"The recogniser confuses '{c.TopicA}' and '{c.TopicB}': {c.Mistaken} of their {c.Utterances} utterances went to the other in cross-validation (e.g. '{c.Examples[0]}'). Make their utterances more distinct, or merge them.",
            LintProblem.Warning, "confused-topics"));
}
