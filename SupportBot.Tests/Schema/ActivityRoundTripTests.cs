using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Schema;

public sealed class ActivityRoundTripTests
{
    [Theory]
    [InlineData("webchat-message.json")]
    [InlineData("teams-mention.json")]
    [InlineData("conversation-update.json")]
    [InlineData("invoke.json")]
    public void Real_activity_json_survives_a_round_trip_unchanged(string fixture)
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture));

        var activity = BotJson.Deserialize<Activity>(json)!;
        var written = BotJson.Serialize(activity);

        Assert.True(JsonNode.DeepEquals(SameTimes(json), SameTimes(written)), $"Round trip changed {fixture}:\n{written}");
    }

    /// <summary>"09:12:00.000Z" and "09:12:00Z" are the same instant; compare instants, not spellings.</summary>
    private static JsonNode SameTimes(string json)
    {
        var node = JsonNode.Parse(json)!;
        foreach (var field in new[] { "timestamp", "localTimestamp" })
        {
            if (node[field] is { } time)
            {
                var value = DateTimeOffset.Parse(time.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                node[field] = $"{value.UtcDateTime:O}|{value.Offset}";
            }
        }
        return node;
    }

    [Theory]
    [InlineData(316, 0, "2026-11-23T10:15:02.316Z")]
    [InlineData(0, 0, "2026-11-23T10:15:02Z")]
    [InlineData(316, -2, "2026-11-23T10:15:02.316-02:00")]
    [InlineData(0, 5, "2026-11-23T10:15:02+05:00")]
    public void Utc_times_are_written_with_a_z_and_others_with_their_offset_without_trailing_zeros(int milliseconds, int offsetHours, string expected)
    {
        var written = BotJson.Serialize(new Activity { Type = "message", Timestamp = new DateTimeOffset(2026, 11, 23, 10, 15, 2, milliseconds, TimeSpan.FromHours(offsetHours)) });

        Assert.Equal(expected, JsonNode.Parse(written)!["timestamp"]!.GetValue<string>());
    }

    [Fact]
    public void Known_fields_are_typed_and_unknown_fields_are_kept()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "invoke.json"));

        var activity = BotJson.Deserialize<Activity>(json)!;

        Assert.Equal(ActivityTypes.Invoke, activity.Type);
        Assert.Equal("adaptiveCard/action", activity.Name);
        Assert.Equal("personal", activity.Conversation!.ConversationType);
        Assert.Equal("00000000-0000-0000-0000-000000000002", activity.From!.AadObjectId);
        Assert.True(activity.Properties!.ContainsKey("someFutureField"));
    }

    [Fact]
    public void Teams_mention_entity_keeps_its_mentioned_account()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "teams-mention.json"));

        var mention = BotJson.Deserialize<Activity>(json)!.Entities!.Single(e => e.Type == "mention");

        Assert.Equal("<at>SupportBot</at>", mention.Properties!["text"].GetString());
        Assert.Equal("SupportBot", mention.Properties["mentioned"].GetProperty("name").GetString());
    }

    [Fact]
    public void Nulls_are_omitted_and_names_are_camel_case()
    {
        var written = BotJson.Serialize(new Activity { Type = ActivityTypes.Message, Text = "hi", ReplyToId = "1" });

        Assert.Equal("""{"type":"message","text":"hi","replyToId":"1"}""", written);
    }

    [Fact]
    public void A_reply_swaps_sender_and_recipient_and_points_at_the_incoming_activity()
    {
        var incoming = Activities.Message("hello", "conv-1", userId: "u1", userName: "Jane");
        incoming.Locale = "en-GB";

        var reply = incoming.CreateReply("hi");

        Assert.Equal(("bot", "u1"), (reply.From!.Id, reply.Recipient!.Id));
        Assert.Equal(incoming.Id, reply.ReplyToId);
        Assert.Equal((incoming.Conversation!.Id, incoming.ServiceUrl, incoming.ChannelId, "en-GB"), (reply.Conversation!.Id, reply.ServiceUrl, reply.ChannelId, reply.Locale));
    }
}
