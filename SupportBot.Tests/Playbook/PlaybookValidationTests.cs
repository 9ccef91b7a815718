using System.Text.Json.Nodes;
using SupportBot.Dialogs.Playbook;
using Xunit;

namespace SupportBot.Tests.Playbook;

/// <summary>Each broken playbook is refused with the JSON path of what is wrong and a sentence saying what.</summary>
public sealed class PlaybookValidationTests
{
    private static PlaybookProblem TheOnlyProblem(JsonObject document) => TheOnlyProblem(document.ToJsonString());

    private static PlaybookProblem TheOnlyProblem(string json)
    {
        var result = PlaybookLoader.Parse(json);
        Assert.False(result.IsValid);
        Assert.Null(result.Playbook);
        return Assert.Single(result.Problems);
    }

    [Fact]
    public void The_default_playbook_is_valid_and_may_name_its_schema()
    {
        var result = PlaybookLoader.Parse(PlaybookLoader.DefaultJson());

        Assert.Empty(result.Problems);
        Assert.True(result.IsValid);
        Assert.Equal("./playbook.schema.json", result.Playbook!.Schema);
    }

    [Fact]
    public void Malformed_json_is_rejected_at_the_path_where_the_parser_stopped()
    {
        var json = PlaybookLoader.DefaultJson().Replace("\"greeting\": \"Hi {name}, welcome! What can I help you with today?\",",
            "\"greeting\": \"Hi {name}, welcome! What can I help you with today?\"");
        Assert.NotEqual(PlaybookLoader.DefaultJson(), json);

        var problem = TheOnlyProblem(json);

        // the parser names the object it was in, and where it stopped: the line after the missing comma
        Assert.Equal("$.messages", problem.Path);
        Assert.Contains("invalid after a value", problem.Message);
        Assert.Contains("(line 11, column 5)", problem.Message);
    }

    [Fact]
    public void A_document_that_is_not_an_object_is_rejected_at_the_root()
    {
        var problem = TheOnlyProblem("null");

        Assert.Equal("$", problem.Path);
        Assert.Contains("JSON object", problem.Message);
    }

    [Theory]
    [InlineData("colour", "$.colour")]
    [InlineData("thresholds.certain", "$.thresholds.certain")]
    [InlineData("topics[1].resolutoin", "$.topics[1].resolutoin")]
    [InlineData("topics[0].details[0].regex", "$.topics[0].details[0].regex")]
    public void An_unknown_property_is_rejected_at_its_path(string property, string path)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set(property, "x"));

        Assert.Equal(path, problem.Path);
        Assert.Contains($"'{property.Split('.')[^1]}'", problem.Message);
        Assert.Contains("could not be mapped", problem.Message);
    }

    [Theory]
    [InlineData("thresholds.confident", "\"high\"", "$.thresholds.confident")]
    [InlineData("version", "\"2\"", "$.version")]
    [InlineData("topics[2].handToPerson", "\"yes\"", "$.topics[2].handToPerson")]
    [InlineData("topics[0].utterances", "\"where is my order\"", "$.topics[0].utterances")]
    [InlineData("messages", "[]", "$.messages")]
    public void A_value_of_the_wrong_type_is_rejected_at_its_path(string property, string value, string path)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set(property, JsonNode.Parse(value)));

        Assert.Equal(path, problem.Path);
        Assert.Contains("could not be converted", problem.Message);
    }

    [Theory]
    [InlineData("messages", "$.messages")]
    [InlineData("topics", "$.topics")]
    [InlineData("topics[3]", "$.topics[3]")]
    [InlineData("businessHours.timeZone", "$.businessHours.timeZone")]
    [InlineData("topics[1].utterances[4]", "$.topics[1].utterances[4]")]
    [InlineData("topics[0].details[0]", "$.topics[0].details[0]")]
    public void A_null_is_rejected_at_its_path(string property, string path)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set(property, null));

        Assert.Equal(path, problem.Path);
        Assert.Contains("null", problem.Message);
    }

    [Fact]
    public void A_topic_with_too_few_utterances_is_rejected_at_its_path()
    {
        var document = PlaybookDocument.Default();
        document.Set("topics[2].utterances", new JsonArray("i was charged twice", "payment failed", "my card was declined"));

        var problem = TheOnlyProblem(document);

        Assert.Equal("$.topics[2].utterances", problem.Path);
        Assert.Contains($"at least {PlaybookValidator.MinimumUtterances}", problem.Message);
        Assert.Contains("it has 3", problem.Message);
    }

    [Fact]
    public void A_playbook_without_topics_is_rejected_at_the_topics()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics", new JsonArray()).Set("fallbackTopics", new JsonArray()));

        Assert.Equal("$.topics", problem.Path);
        Assert.Contains("at least one topic", problem.Message);
    }

    [Fact]
    public void A_duplicate_topic_id_is_rejected_at_the_second_topic()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics[3].id", "order_status"));

        Assert.Equal("$.topics[3].id", problem.Path);
        Assert.Contains("Another topic already has the id 'order_status'", problem.Message);
    }

    [Fact]
    public void A_badly_formed_topic_id_is_rejected_at_its_path()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics[7].id", "Complaint-2"));

        Assert.Equal("$.topics[7].id", problem.Path);
        Assert.Contains("'Complaint-2' is not a valid id", problem.Message);
    }

    [Fact]
    public void The_same_utterance_in_two_topics_is_rejected_where_it_appears_again()
    {
        // differs from order_status's "where is my order" only in case and spacing
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics[4].utterances[2]", "  Where is my ORDER "));

        Assert.Equal("$.topics[4].utterances[2]", problem.Path);
        Assert.Contains("also an utterance of topic 'order_status'", problem.Message);
    }

    [Fact]
    public void A_detail_with_a_bad_regular_expression_is_rejected_at_its_pattern()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics[3].details[0].pattern", "([A-Za-z]+@"));

        Assert.Equal("$.topics[3].details[0].pattern", problem.Path);
        Assert.Contains("Not a valid regular expression", problem.Message);
        Assert.Contains("Not enough )'s", problem.Message);
    }

    [Theory]
    [InlineData("reflect", "your parcel {trackingNumber} is late", "{trackingNumber}")]
    [InlineData("reflect", "your order{trackingNumber: with tracking {trackingNumber}} is late", "{trackingNumber}")]
    [InlineData("resolution", "Order #{orderNumber} is on its way; track it with {trackingNumber}.", "{trackingNumber}")]
    public void A_placeholder_that_is_not_a_detail_of_the_topic_is_rejected_at_its_field(string field, string text, string placeholder)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set($"topics[0].{field}", text));

        Assert.Equal($"$.topics[0].{field}", problem.Path);
        Assert.Equal($"{placeholder} is not a detail of this topic.", problem.Message);
    }

    [Fact]
    public void An_unknown_fallback_topic_is_rejected_at_its_path()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("fallbackTopics[1]", "returns"));

        Assert.Equal("$.fallbackTopics[1]", problem.Path);
        Assert.Contains("No topic has the id 'returns'", problem.Message);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Europe")]
    [InlineData("")]
    public void An_unknown_time_zone_is_rejected_at_its_path(string timeZone)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("businessHours.timeZone", timeZone));

        Assert.Equal("$.businessHours.timeZone", problem.Path);
        Assert.Contains($"'{timeZone}' is not a known time zone", problem.Message);
    }

    [Theory]
    [InlineData("18:00", "09:00")]
    [InlineData("09:00", "09:00")]
    public void Closing_before_opening_is_rejected_at_the_closing_time(string open, string close)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("businessHours.open", open).Set("businessHours.close", close));

        Assert.Equal("$.businessHours.close", problem.Path);
        Assert.Contains("Closing time must be after opening time", problem.Message);
    }

    [Theory]
    [InlineData("open", "8am")]
    [InlineData("close", "24:30")]
    public void A_time_not_written_as_hours_and_minutes_is_rejected_at_its_path(string field, string time)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set($"businessHours.{field}", time));

        Assert.Equal($"$.businessHours.{field}", problem.Path);
        Assert.Contains($"'{time}' is not a time", problem.Message);
    }

    [Fact]
    public void An_unknown_weekday_is_rejected_at_its_path()
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("businessHours.days[1]", "Tuesday"));

        Assert.Equal("$.businessHours.days[1]", problem.Path);
        Assert.Contains("'Tuesday' is not one of Mon, Tue", problem.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void A_message_without_text_is_rejected_at_its_path(string? text)
    {
        var document = PlaybookDocument.Default();
        if (text is null)
        {
            document.Without("messages.handoffOutOfHours");
        }
        else
        {
            document.Set("messages.handoffOutOfHours", text);
        }

        var problem = TheOnlyProblem(document);

        Assert.Equal("$.messages.handoffOutOfHours", problem.Path);
        Assert.Contains("must have text", problem.Message);
    }

    [Fact]
    public void A_playbook_without_messages_is_rejected_at_every_message()
    {
        var result = PlaybookLoader.Parse(PlaybookDocument.Default().Without("messages").ToJsonString());

        Assert.False(result.IsValid);
        Assert.Equal(typeof(Messages).GetProperties().Length, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Path == "$.messages.askName");
        Assert.Contains(result.Problems, p => p.Path == "$.messages.closing");
    }

    [Theory]
    [InlineData(0.3, 0.5)]
    [InlineData(0.5, 0.5)]
    [InlineData(1.2, 0.25)]
    [InlineData(0.6, 0)]
    public void Thresholds_out_of_order_are_rejected_at_the_thresholds(double confident, double unsure)
    {
        var document = PlaybookDocument.Default().Set("thresholds", new JsonObject { ["confident"] = confident, ["unsure"] = unsure });

        var problem = TheOnlyProblem(document);

        Assert.Equal("$.thresholds", problem.Path);
        Assert.Contains("Expected 0 < unsure < confident <= 1", problem.Message);
        Assert.Contains($"unsure {unsure} and confident {confident}", problem.Message);
    }

    [Fact]
    public void A_topic_with_neither_resolution_nor_handToPerson_is_rejected_at_the_topic()
    {
        var document = PlaybookDocument.Default().Without("topics[1].resolution");

        var problem = TheOnlyProblem(document);

        Assert.Equal("$.topics[1]", problem.Path);
        Assert.Contains("needs a resolution or handToPerson: true", problem.Message);
    }

    [Fact]
    public void A_topic_handed_to_a_person_needs_no_resolution_but_one_with_handToPerson_false_does()
    {
        var document = PlaybookDocument.Default();
        Assert.True(PlaybookLoader.Parse(document.ToJsonString()).IsValid);

        var problem = TheOnlyProblem(document.Set("topics[7].handToPerson", false));

        Assert.Equal("$.topics[7]", problem.Path);
        Assert.Contains("dead end", problem.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_resolution_is_rejected_at_its_path(string resolution)
    {
        var problem = TheOnlyProblem(PlaybookDocument.Default().Set("topics[4].resolution", resolution));

        Assert.Equal("$.topics[4].resolution", problem.Path);
        Assert.Contains("resolution must have text", problem.Message);
    }

    [Fact]
    public void Every_problem_in_a_document_is_reported_at_once()
    {
        var document = PlaybookDocument.Default()
            .Set("version", 0)
            .Set("messages.csat", "")
            .Set("topics[5].utterances", new JsonArray("is this in stock"))
            .Set("fallbackTopics[0]", "nope");

        var result = PlaybookLoader.Parse(document.ToJsonString());

        Assert.Null(result.Playbook);
        Assert.Equal(["$.version", "$.messages.csat", "$.topics[5].utterances", "$.fallbackTopics[0]"], result.Problems.Select(p => p.Path));
    }
}
