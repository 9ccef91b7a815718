using System.Text.Json.Nodes;

namespace SupportBot.Admin.Csv;

/// <summary>Every topic's example utterances as <c>topic,utterance</c> rows, for editing in a spreadsheet.</summary>
public static class UtterancesCsv
{
    public static readonly string[] Header = ["topic", "utterance"];

    public static string Export(Dialogs.Playbook.Playbook playbook) =>
        Csv.Write(Header, playbook.Topics.SelectMany(t => t.Utterances.Select(u => new object?[] { t.Id, u })));

    /// <summary>Replaces the utterances of every topic in the draft document with the CSV's (a topic with no rows ends
    /// up with none, which validation then reports). Answers the new document, or the problems with their lines.</summary>
    public static (string? Json, IReadOnlyList<string> Problems) Import(string draftJson, string csv)
    {
        List<List<string>> rows;
        try
        {
            rows = Csv.Read(csv);
        }
        catch (FormatException e)
        {
            return (null, [e.Message]);
        }
        if (rows.Count == 0 || !rows[0].Select(h => h.Trim().ToLowerInvariant()).SequenceEqual(Header))
        {
            return (null, ["The first line must be the header: topic,utterance"]);
        }
        var document = AdminRequests.AsObject(draftJson);
        var topics = (document["topics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var byId = topics.Where(t => t["id"] is JsonValue).ToDictionary(t => t["id"]!.GetValue<string>(), _ => new JsonArray(), StringComparer.Ordinal);
        var problems = new List<string>();
        for (var r = 1; r < rows.Count; r++)
        {
            if (rows[r].Count != 2)
            {
                problems.Add($"Line {r + 1}: expected 2 fields (topic, utterance), found {rows[r].Count}.");
            }
            else if (!byId.TryGetValue(rows[r][0].Trim(), out var list))
            {
                problems.Add($"Line {r + 1}: no topic has the id '{rows[r][0].Trim()}'.");
            }
            else
            {
                list.Add(Csv.Unguard(rows[r][1].Trim()));
            }
        }
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        foreach (var topic in topics.Where(t => t["id"] is JsonValue))
        {
            topic["utterances"] = byId[topic["id"]!.GetValue<string>()];
        }
        return (document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), []);
    }
}
