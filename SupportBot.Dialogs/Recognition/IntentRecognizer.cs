using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace SupportBot.Dialogs.Recognition;

public sealed record IntentScore(string Intent, float Score);

/// <summary>A text classifier trained from labelled utterances with ML.NET: word and character n-grams into a
/// maximum-entropy model, so typos and fragments still land near the right intent.</summary>
public sealed class IntentRecognizer
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly string[] _labels;
    private readonly ConcurrentBag<PredictionEngine<Utterance, Prediction>> _engines = [];

    private IntentRecognizer(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        _ml = ml;
        _model = model;
        var output = model.GetOutputSchema(schema);
        VBuffer<ReadOnlyMemory<char>> names = default;
        output["Score"].GetSlotNames(ref names);
        _labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        InputSchema = schema;
    }

    public DataViewSchema InputSchema { get; }

    public IReadOnlyList<string> Intents => _labels;

    public static IntentRecognizer Train(IEnumerable<(string Text, string Intent)> examples, float l2Regularization = 1e-3f, int seed = 1)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => new Utterance { Text = Normalize(e.Text), Label = e.Intent }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                KeepDiacritics = false,
                KeepPunctuations = false,
                KeepNumbers = true,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 4, UseAllLengths = false },
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(Utterance.Text)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = l2Regularization,
                L1Regularization = 0,
                NumberOfThreads = 1, // deterministic, and the machine has two cores to share with the server
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return new IntentRecognizer(ml, pipeline.Fit(data), data.Schema);
    }

    public static IntentRecognizer Load(Stream stream)
    {
        var ml = new MLContext(1);
        var model = ml.Model.Load(stream, out var schema);
        return new IntentRecognizer(ml, model, schema);
    }

    public void Save(Stream stream) => _ml.Model.Save(_model, InputSchema, stream);

    /// <summary>Every intent with its probability, most likely first. Safe to call from many turns at once.</summary>
    public IReadOnlyList<IntentScore> Recognize(string text)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<Utterance, Prediction>(_model);
        }
        try
        {
            var scores = engine.Predict(new Utterance { Text = Normalize(text) }).Score ?? [];
            return scores.Select((s, i) => new IntentScore(_labels[i], s)).OrderByDescending(s => s.Score).ToList();
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>Customers write "dont", "don't" and "don’t"; one spelling keeps the n-grams aligned.</summary>
    private static string Normalize(string text) => text.Replace("’", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);

    private sealed class Utterance
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class Prediction
    {
        public float[]? Score { get; set; }
    }
}
