using System.Text.Json.Nodes;
using SupportBot.Admin.Versions;
using SupportBot.Tests.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>A version's changes read like an editor would describe them.</summary>
public sealed class PlaybookDiffTests
{
    [Fact]
    public void Added_and_removed_utterances_are_listed_as_items_and_topics_are_matched_by_id_not_position()
    {
        var before = PlaybookDocument.Default();
        var after = PlaybookDocument.Default();
        var topics = after["topics"]!.AsArray();
        var first = topics[0]!;
        topics.RemoveAt(0);
        topics.Add(first); // moved to the end: not a change
        first["utterances"]!.AsArray().RemoveAt(0);
        first["utterances"]!.AsArray().Insert(0, "parcel gone walkabout");
        topics.Remove(topics.Single(t => t!["id"]!.GetValue<string>() == "complaint"));

        var changes = PlaybookDiff.Between(before.ToJsonString(), after.ToJsonString());

        Assert.Equal(3, changes.Count);
        var removed = Assert.Single(changes, c => c.Kind == "items removed");
        Assert.Equal("$.topics[?(@.id=='order_status')].utterances", removed.Path);
        Assert.Equal("""["where is my order"]""", removed.Before!.ToJsonString());
        var added = Assert.Single(changes, c => c.Kind == "items added");
        Assert.Equal("""["parcel gone walkabout"]""", added.After!.ToJsonString());
        var topic = Assert.Single(changes, c => c.Kind == "removed");
        Assert.Equal("$.topics[?(@.id=='complaint')]", topic.Path);
    }

    [Fact]
    public void The_same_document_has_no_changes()
    {
        var json = PlaybookDocument.Default().ToJsonString();

        Assert.Empty(PlaybookDiff.Between(json, json));
    }
}
