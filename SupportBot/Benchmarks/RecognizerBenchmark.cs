using System.Diagnostics;
using Microsoft.VisualBasic.FileIO;
using SupportBot.Dialogs.Recognition;

namespace SupportBot.Benchmarks;

/// <summary>Trains the intent recogniser on a labelled CSV (text,category) and prints accuracy on a test CSV,
/// training time and per-utterance latency.</summary>
public static class RecognizerBenchmark
{
    public static int Run(string folder)
    {
        var train = ReadCsv(Path.Combine(folder, "train.csv"));
        var test = ReadCsv(Path.Combine(folder, "test.csv"));
        Console.WriteLine($"data: {folder} ({train.Count} training, {test.Count} test utterances, {train.Select(t => t.Intent).Distinct().Count()} intents)");

        var clock = Stopwatch.StartNew();
        var recognizer = IntentRecognizer.Train(train, float.Parse(Environment.GetEnvironmentVariable("L2") ?? "1e-3", System.Globalization.CultureInfo.InvariantCulture));
        var trainSeconds = clock.Elapsed.TotalSeconds;

        recognizer.Recognize(test[0].Text); // warm-up
        var latencies = new double[test.Count];
        var correct = 0;
        for (var i = 0; i < test.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var top = recognizer.Recognize(test[i].Text)[0];
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            correct += top.Intent == test[i].Intent ? 1 : 0;
        }
        Array.Sort(latencies);
        Console.WriteLine($"accuracy: {100.0 * correct / test.Count:F2}% ({correct}/{test.Count})");
        Console.WriteLine($"training: {trainSeconds:F1} s");
        Console.WriteLine($"latency per utterance: p50 {latencies[latencies.Length / 2]:F3} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:F3} ms");
        return 0;
    }

    private static List<(string Text, string Intent)> ReadCsv(string path)
    {
        using var parser = new TextFieldParser(path) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        parser.ReadFields(); // header
        var rows = new List<(string, string)>();
        while (parser.ReadFields() is { Length: >= 2 } fields)
        {
            rows.Add((fields[0], fields[1]));
        }
        return rows;
    }
}
