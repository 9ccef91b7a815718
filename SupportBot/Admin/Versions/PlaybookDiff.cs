using System.Text.Json.Nodes;

namespace SupportBot.Admin.Versions;

/// <summary>One difference between two playbooks, at a JSON path. Lists of text (utterances, phrases) report the
/// items added and removed rather than every shifted index; topics are matched by id, not by position.</summary>
public sealed record PlaybookChange(string Path, string Kind, JsonNode? Before, JsonNode? After);

public static class PlaybookDiff
{
    public static IReadOnlyList<PlaybookChange> Between(string beforeJson, string afterJson)
    {
        var changes = new List<PlaybookChange>();
        Compare("$", Parse(beforeJson), Parse(afterJson), changes);
        return changes;
    }

    private static JsonNode? Parse(string json) => JsonNode.Parse(json, documentOptions: AdminRequests.Lenient);

    private static void Compare(string path, JsonNode? before, JsonNode? after, List<PlaybookChange> changes)
    {
        switch (before, after)
        {
            case (JsonObject b, JsonObject a):
                foreach (var name in b.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    var child = $"{path}.{name}";
                    if (!a.ContainsKey(name))
                    {
                        changes.Add(new(child, "removed", b[name]?.DeepClone(), null));
                    }
                    else if (!b.ContainsKey(name))
                    {
                        changes.Add(new(child, "added", null, a[name]?.DeepClone()));
                    }
                    else
                    {
                        Compare(child, b[name], a[name], changes);
                    }
                }
                break;
            case (JsonArray b, JsonArray a) when b.Concat(a).All(i => i is JsonValue):
                var removed = b.Where(i => !a.Any(j => JsonNode.DeepEquals(i, j))).ToList();
                var added = a.Where(i => !b.Any(j => JsonNode.DeepEquals(i, j))).ToList();
                if (removed.Count > 0)
                {
                    changes.Add(new(path, "items removed", new JsonArray(removed.Select(i => i?.DeepClone()).ToArray()), null));
                }
                if (added.Count > 0)
                {
                    changes.Add(new(path, "items added", null, new JsonArray(added.Select(i => i?.DeepClone()).ToArray())));
                }
                break;
            case (JsonArray b, JsonArray a) when ById(b) is { } beforeById && ById(a) is { } afterById:
                foreach (var id in beforeById.Keys.Union(afterById.Keys))
                {
                    var child = $"{path}[?(@.id=='{id}')]";
                    if (!afterById.TryGetValue(id, out var afterItem))
                    {
                        changes.Add(new(child, "removed", beforeById[id].DeepClone(), null));
                    }
                    else if (!beforeById.TryGetValue(id, out var beforeItem))
                    {
                        changes.Add(new(child, "added", null, afterItem.DeepClone()));
                    }
                    else
                    {
                        Compare(child, beforeItem, afterItem, changes);
                    }
                }
                break;
            case (JsonArray b, JsonArray a):
                for (var i = 0; i < Math.Max(b.Count, a.Count); i++)
                {
                    Compare($"{path}[{i}]", i < b.Count ? b[i] : null, i < a.Count ? a[i] : null, changes);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(before, after))
                {
                    changes.Add(new(path, before is null ? "added" : after is null ? "removed" : "changed", before?.DeepClone(), after?.DeepClone()));
                }
                break;
        }
    }

    /// <summary>Items keyed by their string <c>id</c>, when every item has a distinct one.</summary>
    private static Dictionary<string, JsonObject>? ById(JsonArray items)
    {
        var byId = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item is not JsonObject o || o["id"] is not JsonValue v || !v.TryGetValue<string>(out var id) || !byId.TryAdd(id, o))
            {
                return null;
            }
        }
        return byId;
    }
}
