using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NJsonSchema;
using NJsonSchema.Validation;
using SupportBot.Dialogs.Playbook;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Playbook;

/// <summary>playbook.schema.json lets admins' editors check a playbook; it must accept the default one, refuse broken
/// ones the bot refuses, and describe exactly the fields the bot reads.</summary>
public sealed class PlaybookSchemaTests(ITestOutputHelper output)
{
    private static readonly string PlaybookFolder = Path.Combine(RepoPaths.Root, "SupportBot.Dialogs", "Playbook");

    private static readonly string SchemaFile = Path.Combine(PlaybookFolder, "playbook.schema.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(File.ReadAllText(SchemaFile), SchemaFile).GetAwaiter().GetResult());

    private static readonly JsonObject SchemaJson = JsonNode.Parse(File.ReadAllText(SchemaFile))!.AsObject();

    /// <summary>Every error, nested ones (inside an array item or an anyOf) included.</summary>
    private List<ValidationError> Validate(string json)
    {
        var errors = Schema.Value.Validate(json);
        foreach (var error in errors)
        {
            output.WriteLine(error.ToString());
        }
        return Flatten(errors).ToList();
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child ? child.Errors.Values.SelectMany(Flatten).Prepend(e) : [e]);

    [Fact]
    public void The_schema_is_draft_2020_12()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)SchemaJson["$schema"]);
    }

    [Fact]
    public void The_default_playbook_satisfies_the_schema()
    {
        var json = File.ReadAllText(Path.Combine(PlaybookFolder, "default-playbook.json"));

        Assert.Empty(Validate(json));
        Assert.Equal(json, PlaybookLoader.DefaultJson());
    }

    [Fact]
    public void The_default_playbook_names_the_schema_next_to_it()
    {
        var reference = (string?)PlaybookDocument.Default()["$schema"];

        Assert.Equal("./playbook.schema.json", reference);
        Assert.True(File.Exists(Path.Combine(PlaybookFolder, reference!)));
    }

    /// <summary>Broken documents, with the path NJsonSchema reports for them.</summary>
    public static TheoryData<string, string> Breakages() => new()
    {
        { "no messages", "#/messages" },
        { "a topic with 3 utterances", "#/topics[2].utterances" },
        { "no topics", "#/topics" },
        { "a message without text", "#/messages.greeting" },
        { "a message that is missing", "#/messages.csat" },
        { "an unknown property", "#/topics[1].resolutoin" },
        { "a topic id with capitals", "#/topics[3].id" },
        { "a weekday spelt out", "#/businessHours.days[0]" },
        { "a time without minutes", "#/businessHours.open" },
        { "a confidence above 1", "#/thresholds.confident" },
        { "a version as text", "#/version" },
        { "a version of 0", "#/version" },
        { "a topic with neither resolution nor handToPerson", "#/topics[1]" },
        { "a topic with handToPerson false and no resolution", "#/topics[7]" },
        { "a detail without a question", "#/topics[0].details[0].question" },
        { "an empty utterance", "#/topics[4].utterances[3]" },
        { "a null section", "#/choices" },
    };

    private static JsonObject Break(string breakage) => breakage switch
    {
        "no messages" => PlaybookDocument.Default().Without("messages"),
        "a topic with 3 utterances" => PlaybookDocument.Default().Set("topics[2].utterances", new JsonArray("payment failed", "card declined", "charged twice")),
        "no topics" => PlaybookDocument.Default().Set("topics", new JsonArray()),
        "a message without text" => PlaybookDocument.Default().Set("messages.greeting", " "),
        "a message that is missing" => PlaybookDocument.Default().Without("messages.csat"),
        "an unknown property" => PlaybookDocument.Default().Set("topics[1].resolutoin", "x"),
        "a topic id with capitals" => PlaybookDocument.Default().Set("topics[3].id", "Account"),
        "a weekday spelt out" => PlaybookDocument.Default().Set("businessHours.days[0]", "Monday"),
        "a time without minutes" => PlaybookDocument.Default().Set("businessHours.open", "8"),
        "a confidence above 1" => PlaybookDocument.Default().Set("thresholds.confident", 1.5),
        "a version as text" => PlaybookDocument.Default().Set("version", "1"),
        "a version of 0" => PlaybookDocument.Default().Set("version", 0),
        "a topic with neither resolution nor handToPerson" => PlaybookDocument.Default().Without("topics[1].resolution"),
        "a topic with handToPerson false and no resolution" => PlaybookDocument.Default().Set("topics[7].handToPerson", false),
        "a detail without a question" => PlaybookDocument.Default().Without("topics[0].details[0].question"),
        "an empty utterance" => PlaybookDocument.Default().Set("topics[4].utterances[3]", ""),
        "a null section" => PlaybookDocument.Default().Set("choices", null),
        _ => throw new ArgumentOutOfRangeException(nameof(breakage)),
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_playbook_fails_schema_validation_at_the_broken_place(string breakage, string path)
    {
        var errors = Validate(Break(breakage).ToJsonString());

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Path == path);
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void What_the_schema_refuses_the_bot_refuses_too(string breakage, string path)
    {
        var result = PlaybookLoader.Parse(Break(breakage).ToJsonString());

        Assert.False(result.IsValid, $"{breakage} ({path}) was accepted by the loader");
        Assert.NotEmpty(result.Problems);
    }

    [Fact]
    public void Every_property_in_the_schema_has_a_description()
    {
        var undescribed = new List<string>();
        void Visit(JsonNode? node, string path)
        {
            if (node is not JsonObject schema)
            {
                return;
            }
            if (schema["description"] is null)
            {
                undescribed.Add(path);
            }
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
            {
                Visit(property, $"{path}.{name}");
            }
            if (schema["items"] is JsonObject items)
            {
                Visit(items, $"{path}[]");
            }
        }

        Visit(SchemaJson, "$");

        Assert.Empty(undescribed);
    }

    public static TheoryData<string, Type> Sections() => new()
    {
        { "", typeof(global::SupportBot.Dialogs.Playbook.Playbook) },
        { "thresholds", typeof(Thresholds) },
        { "businessHours", typeof(BusinessHours) },
        { "messages", typeof(Messages) },
        { "choices", typeof(ChoiceLabels) },
        { "topics.items", typeof(Topic) },
        { "topics.items.details.items", typeof(Detail) },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void The_schema_describes_exactly_the_properties_the_bot_reads(string section, Type type)
    {
        var schema = section.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Aggregate((JsonNode)SchemaJson, (node, name) => name == "items" ? node["items"]! : node["properties"]![name]!);

        var inSchema = schema["properties"]!.AsObject().Select(p => p.Key).Order();
        var inModel = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order();

        Assert.Equal(inModel, inSchema);
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_message_is_required_by_the_schema_as_the_bot_requires_it()
    {
        var required = SchemaJson["properties"]!["messages"]!["required"]!.AsArray().Select(n => (string)n!).Order();

        Assert.Equal(typeof(Messages).GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).Order(), required);
    }

    [Fact]
    public void The_schema_asks_for_as_many_utterances_as_the_bot()
    {
        var utterances = SchemaJson["properties"]!["topics"]!["items"]!["properties"]!["utterances"]!;

        Assert.Equal(PlaybookValidator.MinimumUtterances, utterances["minItems"]!.GetValue<int>());
    }
}
