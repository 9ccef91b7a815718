using System.Text.Json.Nodes;
using SupportBot.Dialogs.Playbook;
using SupportBot.Playbooks;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Playbook;

/// <summary>The host only ever serves a valid playbook: a bad one is refused at start-up and on publish.</summary>
public sealed class PlaybookHostTests : IDisposable
{
    private const string OldGreeting = "Hi {name}, welcome! What can I help you with today?";

    private readonly string _data = TempFolder.Create("playbook-host");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string ModelFolder => Path.Combine(_data, "models");

    [Fact]
    public void Publishing_an_invalid_playbook_returns_its_problems_and_keeps_serving_the_last_good_one()
    {
        var host = PlaybookHost.Start(null, _data);
        var before = host.Current;
        var broken = PlaybookDocument.Default()
            .Set("messages.greeting", "Hello {name}! How can I help?")
            .Set("topics[0].utterances", new JsonArray("where is my order", "parcel is late", "has my order shipped"));

        var problems = host.TryPublish(broken.ToJsonString());

        var problem = Assert.Single(problems);
        Assert.Equal("$.topics[0].utterances", problem.Path);
        Assert.Same(before, host.Current);
        Assert.Equal(OldGreeting, host.Current.Playbook.Messages.Greeting);
        Assert.Equal("order_status", host.Current.Understand("where is my parcel").TopTopic);
    }

    [Fact]
    public void Publishing_malformed_json_keeps_serving_the_last_good_playbook()
    {
        var host = PlaybookHost.Start(null, _data);
        var before = host.Current;

        var problems = host.TryPublish("{ \"version\": 2, ");

        Assert.NotEmpty(problems);
        Assert.Same(before, host.Current);
    }

    [Fact]
    public void Publishing_a_valid_changed_playbook_switches_to_it()
    {
        var host = PlaybookHost.Start(null, _data);
        var before = host.Current;
        var changed = PlaybookDocument.Default().Set("version", 2).Set("messages.greeting", "Hello {name}! How can I help?");

        var problems = host.TryPublish(changed.ToJsonString());

        Assert.Empty(problems);
        Assert.NotSame(before, host.Current);
        Assert.Equal(2, host.Current.Playbook.Version);
        Assert.Equal("Hello {name}! How can I help?", host.Current.Playbook.Messages.Greeting);
        Assert.Equal(OldGreeting, before.Playbook.Messages.Greeting);
        Assert.Equal("order_status", host.Current.Understand("where is my parcel").TopTopic);
    }

    [Fact]
    public void A_restart_with_the_same_playbook_loads_the_cached_model_instead_of_retraining()
    {
        var first = PlaybookHost.Start(null, _data);
        var model = Assert.Single(Directory.GetFiles(ModelFolder));
        Assert.EndsWith(".zip", model);
        // an old stamp makes a rewrite visible however coarse the file system's clock is
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(model, stamp);

        var second = PlaybookHost.Start(null, _data);

        Assert.Equal([model], Directory.GetFiles(ModelFolder));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(model));
        Assert.NotSame(first.Current.Recognizer, second.Current.Recognizer);
        Assert.Equal("returns_refunds", second.Current.Understand("i want to send this back for a refund").TopTopic);
    }

    [Fact]
    public void Starting_with_an_invalid_playbook_file_fails_naming_the_path_of_each_problem()
    {
        var file = Path.Combine(_data, "playbook.json");
        File.WriteAllText(file, PlaybookDocument.Default()
            .Set("businessHours.timeZone", "Atlantis/Capital")
            .Set("topics[1].utterances", new JsonArray("refund please"))
            .Set("fallbackTopics[2]", "billing")
            .ToJsonString());

        var error = Assert.Throws<InvalidOperationException>(() => PlaybookHost.Start(file, _data));

        Assert.Contains(file, error.Message);
        Assert.Contains("$.businessHours.timeZone: 'Atlantis/Capital' is not a known time zone", error.Message);
        Assert.Contains("$.topics[1].utterances: ", error.Message);
        Assert.Contains("$.fallbackTopics[2]: No topic has the id 'billing'", error.Message);
        Assert.False(Directory.Exists(ModelFolder), "nothing is trained for an invalid playbook");
    }

    [Fact]
    public void Starting_with_a_malformed_playbook_file_fails_naming_where_the_parser_stopped()
    {
        var file = Path.Combine(_data, "playbook.json");
        File.WriteAllText(file, "{ \"version\": 1, \"name\": \"Shop\" \"topics\": [] }");

        var error = Assert.Throws<InvalidOperationException>(() => PlaybookHost.Start(file, _data));

        Assert.True(error.Message.Contains("  $: ") && error.Message.Contains("(line 1, column 32)"), error.Message);
    }
}
