using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SupportBot.Dialogs.Playbook;
using Xunit;

namespace SupportBot.Tests.Playbook;

/// <summary>The default playbook as an editable JSON tree, for tests that break one thing in it.</summary>
public static partial class PlaybookDocument
{
    public static JsonObject Default() => JsonNode.Parse(PlaybookLoader.DefaultJson())!.AsObject();

    /// <summary>Sets the value at a simple path such as <c>topics[2].utterances</c> or <c>messages.greeting</c>.</summary>
    public static JsonObject Set(this JsonObject document, string path, JsonNode? value)
    {
        var (parent, last) = Parent(document, path);
        if (last is int index)
        {
            parent.AsArray()[index] = value;
        }
        else
        {
            parent.AsObject()[(string)last] = value;
        }
        return document;
    }

    public static JsonObject Without(this JsonObject document, string path)
    {
        var (parent, last) = Parent(document, path);
        if (last is int index)
        {
            parent.AsArray().RemoveAt(index);
        }
        else
        {
            Assert.True(parent.AsObject().Remove((string)last), $"{path} is not in the document");
        }
        return document;
    }

    public static JsonNode Get(this JsonObject document, string path) => Walk(document, Segments(path), path);

    private static (JsonNode Parent, object Last) Parent(JsonObject document, string path)
    {
        var segments = Segments(path).ToList();
        return (Walk(document, segments[..^1], path), segments[^1]);
    }

    private static JsonNode Walk(JsonNode node, IEnumerable<object> segments, string path)
    {
        foreach (var segment in segments)
        {
            node = (segment is int i ? node.AsArray()[i] : node.AsObject()[(string)segment])
                ?? throw new InvalidOperationException($"{path} is not in the document");
        }
        return node;
    }

    private static IEnumerable<object> Segments(string path) =>
        SegmentPattern().Matches(path).Select(m => m.Groups[1].Success ? (object)m.Groups[1].Value : int.Parse(m.Groups[2].Value));

    [GeneratedRegex(@"([A-Za-z$][A-Za-z0-9_]*)|\[(\d+)\]")]
    private static partial Regex SegmentPattern();
}
