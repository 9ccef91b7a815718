using System.Text.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Playbook;

/// <summary>A problem in a playbook document, at a JSON path such as <c>$.topics[2].utterances</c>.</summary>
public sealed record PlaybookProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

public sealed record PlaybookLoadResult(Playbook? Playbook, IReadOnlyList<PlaybookProblem> Problems)
{
    public bool IsValid => Playbook is not null && Problems.Count == 0;
}

/// <summary>Reads a playbook document and checks it; an invalid one is never half-used.</summary>
public static class PlaybookLoader
{
    private static readonly JsonSerializerOptions Options = new(BotJson.Options)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The playbook that ships with the bot: an online retailer.</summary>
    public static Playbook Default { get; } = LoadDefault();

    public static string DefaultJson()
    {
        using var stream = typeof(PlaybookLoader).Assembly.GetManifestResourceStream("SupportBot.default-playbook.json")!;
        return new StreamReader(stream).ReadToEnd();
    }

    public static PlaybookLoadResult Parse(string json)
    {
        Playbook? playbook;
        try
        {
            playbook = JsonSerializer.Deserialize<Playbook>(json, Options);
        }
        catch (JsonException e)
        {
            return new(null, [new PlaybookProblem(e.Path ?? "$", FirstSentence(e.Message))]);
        }
        if (playbook is null)
        {
            return new(null, [new PlaybookProblem("$", "The playbook must be a JSON object.")]);
        }
        var problems = PlaybookValidator.Validate(playbook);
        return new(problems.Count == 0 ? playbook : null, problems);
    }

    private static Playbook LoadDefault()
    {
        var result = Parse(DefaultJson());
        return result.Playbook ?? throw new InvalidOperationException("The default playbook is invalid: " + string.Join("; ", result.Problems));
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] + "." : message;
    }
}
