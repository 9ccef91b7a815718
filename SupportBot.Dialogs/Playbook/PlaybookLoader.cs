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
        // numbers are numbers, as the schema says: the web default would also read "1" as 1
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
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
            var where = e.LineNumber is { } line ? $" (line {line + 1}, column {e.BytePositionInLine + 1})" : "";
            return new(null, [new PlaybookProblem(e.Path ?? "$", FirstSentence(e.Message) + where)]);
        }
        if (playbook is null)
        {
            return new(null, [new PlaybookProblem("$", "The playbook must be a JSON object.")]);
        }
        // a null would reach the validator and the dialogs as a missing object, list or text
        using (var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }))
        {
            var nulls = Nulls(document.RootElement, "$").ToList();
            if (nulls.Count > 0)
            {
                return new(null, nulls);
            }
        }
        var problems = PlaybookValidator.Validate(playbook);
        return new(problems.Count == 0 ? playbook : null, problems);
    }

    private static Playbook LoadDefault()
    {
        var result = Parse(DefaultJson());
        return result.Playbook ?? throw new InvalidOperationException("The default playbook is invalid: " + string.Join("; ", result.Problems));
    }

    private static IEnumerable<PlaybookProblem> Nulls(JsonElement element, string path)
    {
        var children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => (p.Value, $"{path}.{p.Name}")),
            JsonValueKind.Array => element.EnumerateArray().Select((item, i) => (item, $"{path}[{i}]")),
            _ => [],
        };
        return element.ValueKind == JsonValueKind.Null
            ? [new PlaybookProblem(path, "null is not allowed: give a value, or leave the property out to use its default.")]
            : children.SelectMany(child => Nulls(child.Item1, child.Item2));
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] + "." : message;
    }
}
