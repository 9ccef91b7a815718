using System.Security.Cryptography;
using System.Text;
using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Recognition;

namespace SupportBot.Playbooks;

/// <summary>Holds the playbook in force and its trained recogniser. Models are cached on disk by the playbook's
/// content hash, so a restart with the same playbook loads instead of retraining.</summary>
public sealed class PlaybookHost
{
    /// <summary>Part of the cache key: bump when the recogniser's pipeline changes.</summary>
    private const string RecognizerVersion = "lbfgs-w2c4-v1";

    private readonly string _modelDirectory;
    private volatile Live _live;

    /// <summary>The runtime and the document it came from, swapped together in one write.</summary>
    private sealed record Live(PlaybookRuntime Runtime, string Json);

    private PlaybookHost(string modelDirectory, Live live)
    {
        _modelDirectory = modelDirectory;
        _live = live;
    }

    public PlaybookRuntime Current => _live.Runtime;

    /// <summary>The JSON document of the playbook in force, as it was written.</summary>
    public string CurrentJson => _live.Json;

    /// <summary>Loads the playbook at <paramref name="path"/> (the built-in one when null); an invalid playbook stops
    /// start-up with every problem and its JSON path.</summary>
    public static PlaybookHost Start(string? path, string dataDirectory)
    {
        var json = path is null ? PlaybookLoader.DefaultJson() : File.ReadAllText(path);
        var loaded = PlaybookLoader.Parse(json);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException($"The playbook {path ?? "(built-in)"} is invalid:\n  " + string.Join("\n  ", loaded.Problems));
        }
        var modelDirectory = Path.Combine(dataDirectory, "models");
        Directory.CreateDirectory(modelDirectory);
        return new PlaybookHost(modelDirectory, new Live(LoadOrTrain(loaded.Playbook!, json, modelDirectory), json));
    }

    /// <summary>Checks <paramref name="json"/> and, when valid, switches to it; otherwise keeps serving the last good one.</summary>
    public IReadOnlyList<PlaybookProblem> TryPublish(string json)
    {
        var loaded = PlaybookLoader.Parse(json);
        if (loaded.IsValid)
        {
            _live = new Live(LoadOrTrain(loaded.Playbook!, json, _modelDirectory), json);
        }
        return loaded.Problems;
    }

    private static PlaybookRuntime LoadOrTrain(Playbook playbook, string json, string modelDirectory)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RecognizerVersion + "\n" + json)))[..32].ToLowerInvariant();
        var file = Path.Combine(modelDirectory, $"{hash}.zip");
        if (File.Exists(file))
        {
            try
            {
                using var stream = File.OpenRead(file);
                return new PlaybookRuntime(playbook, IntentRecognizer.Load(stream));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or InvalidDataException)
            {
                // a damaged cache file is retrained below
            }
        }
        var runtime = PlaybookRuntime.Train(playbook);
        var temporary = file + ".tmp";
        using (var stream = File.Create(temporary))
        {
            runtime.Recognizer.Save(stream);
        }
        File.Move(temporary, file, overwrite: true);
        return runtime;
    }
}
