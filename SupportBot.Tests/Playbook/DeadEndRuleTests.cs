using System.Text.Json.Nodes;
using SupportBot.Dialogs.Playbook;
using Xunit;

namespace SupportBot.Tests.Playbook;

/// <summary>Choices, not refusals, enforced before a playbook is used.</summary>
public sealed class DeadEndRuleTests
{
    [Fact]
    public void A_message_sent_without_choices_that_refuses_is_rejected_at_its_path()
    {
        var json = JsonNode.Parse(PlaybookLoader.DefaultJson())!;
        json["messages"]!["help"] = "Sorry, I can't help with that.";

        var result = PlaybookLoader.Parse(json.ToJsonString());

        var problem = Assert.Single(result.Problems);
        Assert.Equal("$.messages.help", problem.Path);
        Assert.Contains("must not refuse", problem.Message);
        Assert.Null(result.Playbook);
    }

    [Fact]
    public void A_resolution_that_refuses_is_rejected_at_its_path()
    {
        var json = JsonNode.Parse(PlaybookLoader.DefaultJson())!;
        json["topics"]![0]!["resolution"] = "We are unable to track orders.";

        var problem = Assert.Single(PlaybookLoader.Parse(json.ToJsonString()).Problems);

        Assert.Equal("$.topics[0].resolution", problem.Path);
    }

    [Fact]
    public void A_refusal_inside_a_message_that_always_carries_choices_is_allowed()
    {
        var json = JsonNode.Parse(PlaybookLoader.DefaultJson())!;
        json["messages"]!["notUnderstood"] = "I can't tell which of these you mean. Which is closest?";

        Assert.True(PlaybookLoader.Parse(json.ToJsonString()).IsValid);
    }
}
