using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Admin.Analytics;
using SupportBot.Agents;
using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Support;
using SupportBot.Storage;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>The report over a seeded set of conversations equals the figures worked out by hand below. Transcripts and
/// state are seeded through the configured stores (SQLite here, Blob in <see cref="BlobAnalyticsTests"/>).</summary>
public class AnalyticsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Messages Said = PlaybookLoader.Default.Messages;
    private const string Gibberish = "blorf the wizzle";

    private AdminServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await AdminServer.StartAsync(more: Storage);
        await SeedAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The storage settings the server runs on; none is SQLite.</summary>
    protected virtual IDictionary<string, string?>? Storage => null;

    private T Service<T>() => (T)_server.Server.Services.GetService(typeof(T))!;

    /// <summary>Nine conversations; c7 started before the period and c8 is a "Try it" conversation, so neither counts.</summary>
    private async Task SeedAsync()
    {
        var day = TimeSpan.FromDays(1);
        await ConversationAsync("c1", Start, "Jane", new { topicId = "order_status", outcome = "resolved", satisfaction = new { rating = 5 } },
            Bot("Hi Jane, welcome! What can I help you with today?"), User("where is my parcel"), Bot("So your order hasn't reached you yet. Did I get that right?", choices: true),
            Bot("Thank you, Jane, it was a pleasure helping you today. Take care!"));
        await ConversationAsync("c2", Start + TimeSpan.FromHours(1), "Bob", new { topicId = "billing_payments", outcome = "handoff", satisfaction = new { rating = 2 } },
            Bot("Hi Bob, welcome! What can I help you with today?"), User(Gibberish), Bot(Said.Clarify), User(Gibberish), Bot(Said.NotUnderstood, choices: true),
            User("talk to a person"), Bot(Said.HandoffRequested), Bot("Thank you, Bob, it was a pleasure helping you today. Take care!"));
        await HandoffAsync("c2", Start + TimeSpan.FromHours(1), TimeSpan.FromSeconds(120));
        await ConversationAsync("c3", Start + day, null, new { topicId = "complaint", outcome = "handoff" },
            Bot(Said.AskName), User("Cy"), Bot("Hi Cy, welcome! What can I help you with today?"));
        await HandoffAsync("c3", Start + day, TimeSpan.FromSeconds(300));
        await ConversationAsync("c4", Start + 2 * day, "Dee", new { notUnderstood = 2 },
            Bot("Hi Dee, welcome! What can I help you with today?"), User(Gibberish), Bot(Said.Clarify), User("qqq zzz"), Bot(Said.NotUnderstood));
        await ConversationAsync("c5", Start + 2 * day, null, new { topicId = "returns_refunds", outcome = "follow-up", satisfaction = new { rating = 4 } },
            Bot("Hi there, welcome! What can I help you with today?"), User("refund please"));
        await FollowUpAsync("c5", Start + 2 * day);
        await ConversationAsync("c6", Start + 3 * day, null, new { topicId = "complaint", outcome = "handoff" },
            Bot("Hi there, welcome! What can I help you with today?"), User("i want to complain"));
        await HandoffAsync("c6", Start + 3 * day, null);
        await ConversationAsync("c7", Start - day, "Jane", new { topicId = "order_status", outcome = "resolved", satisfaction = new { rating = 1 } },
            Bot("Hi Jane, welcome! What can I help you with today?"), User(Gibberish), Bot(Said.Clarify));
        await ConversationAsync("draft-c8", Start + day, "Ada", new { satisfaction = new { rating = 1 } },
            Bot("Good day Ada!"), User(Gibberish), Bot(Said.Clarify));
        await ConversationAsync("c9", Start + 4 * day, "Eve", new { topicId = "order_status", outcome = "resolved", satisfaction = new { rating = 3 } },
            Bot("Hello! Did your parcel arrive?"), User("no"), Bot("Thanks, Eve. Goodbye."));
    }

    private static (string Role, string Text, bool Choices) Bot(string text, bool choices = false) => (RoleTypes.Bot, text, choices);

    private static (string Role, string Text, bool Choices) User(string text) => (RoleTypes.User, text, false);

    private async Task ConversationAsync(string id, DateTimeOffset at, string? name, object supportCase, params (string Role, string Text, bool Choices)[] lines)
    {
        var user = "user-" + id;
        var activities = lines.Select((line, i) => new Activity
        {
            Type = ActivityTypes.Message,
            Id = $"{id}-{i}",
            ChannelId = ChannelIds.WebChat,
            Conversation = new ConversationAccount { Id = id },
            From = line.Role == RoleTypes.Bot ? new ChannelAccount { Id = "bot", Role = RoleTypes.Bot } : new ChannelAccount { Id = user, Role = RoleTypes.User },
            Text = line.Text,
            Timestamp = at + TimeSpan.FromSeconds(10 * i),
            SuggestedActions = line.Choices ? new SuggestedActions { Actions = [new CardAction { Title = "Talk to a person" }] } : null,
        }).ToList();
        await Service<ITranscriptStore>().LogActivitiesAsync(activities, CancellationToken.None);
        await StateAsync($"webchat/conversations/{id}", new { @case = supportCase });
        if (name is not null)
        {
            await StateAsync($"webchat/users/{user}", new { profile = new { name } });
        }
    }

    private Task StateAsync(string key, object value) => Service<IStorage>().WriteAsync(
        new Dictionary<string, StoreItem> { [key] = new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), null) }, CancellationToken.None);

    private IHandoffQueue Queue => Service<IHandoffQueue>();

    private static HandoffRequest Request(DateTimeOffset at) => new(null, null, ChannelIds.WebChat, false, null, null, null, 0, new Dictionary<string, string>(), "", false, at);

    /// <summary>A handoff raised at <paramref name="requested"/> and, after <paramref name="wait"/>, taken and ended by an agent.</summary>
    private async Task HandoffAsync(string conversation, DateTimeOffset requested, TimeSpan? wait)
    {
        var reference = new ConversationReference { ChannelId = ChannelIds.WebChat, Conversation = new ConversationAccount { Id = conversation } };
        var handoff = await Queue.EnqueueAsync("h-" + conversation, Request(requested), reference, requested);
        if (wait is { } waited)
        {
            Assert.True(await Queue.AcceptAsync(handoff.Id, "bo", "Bo", null, requested + waited));
            Assert.True(await Queue.EndAsync(handoff.Id, "bo", requested + waited + TimeSpan.FromMinutes(5)));
        }
    }

    private Task FollowUpAsync(string conversation, DateTimeOffset at) =>
        Queue.AddFollowUpAsync(new FollowUp("f-" + conversation, "webchat/" + conversation, at, at, "x@example.com", null, Request(at), null, null));

    private Task<JsonObject?> ReportAsync(string query = "?from=2026-11-02&to=2026-11-09") => _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/analytics" + query);

    [Fact]
    public void A_pasted_document_the_bot_did_not_understand_is_shown_cut_short()
    {
        var pasted = new string('x', 200_000);

        Assert.Equal(new string('x', CaseAnalytics.MaxShownText) + "…", CaseAnalytics.Shortened(pasted));
        Assert.Equal("where is my parcel", CaseAnalytics.Shortened("where is my parcel"));
    }

    [Fact]
    public async Task Conversations_outcomes_and_the_median_wait_match_the_hand_count()
    {
        var report = (await ReportAsync())!;

        Assert.Equal(7, report["conversations"]!.GetValue<int>()); // c1-c6 and c9
        Assert.Equal(2, report["contained"]!.GetValue<int>()); // c1, c9
        Assert.Equal(4, report["handedOff"]!.GetValue<int>()); // c2, c3, c6 (handoff) and c5 (follow-up)
        Assert.Equal(1, report["abandoned"]!.GetValue<int>()); // c4
        Assert.Equal(0, report["inProgress"]!.GetValue<int>());
        Assert.Equal(2, report["wait"]!["accepted"]!.GetValue<int>());
        Assert.Equal(1, report["wait"]!["neverAccepted"]!.GetValue<int>()); // c6
        Assert.Equal(210, report["wait"]!["medianSeconds"]!.GetValue<double>()); // (120 + 300) / 2
    }

    [Fact]
    public async Task Satisfaction_is_averaged_and_distributed_overall_and_by_topic()
    {
        var report = (await ReportAsync())!;

        var overall = report["satisfaction"]!;
        Assert.Equal(4, overall["rated"]!.GetValue<int>()); // 5, 2, 4, 3
        Assert.Equal(3.5, overall["average"]!.GetValue<double>());
        Assert.Equal("""{"2":1,"3":1,"4":1,"5":1}""", overall["distribution"]!.ToJsonString());
        var byTopic = report["satisfactionByTopic"]!.AsArray().ToDictionary(t => t!["topic"]!.GetValue<string>(), t => (t!["rated"]!.GetValue<int>(), t["average"]!.GetValue<double>()));
        Assert.Equal(new Dictionary<string, (int, double)> { ["billing_payments"] = (1, 2), ["order_status"] = (2, 4), ["returns_refunds"] = (1, 4) }, byTopic);
    }

    [Fact]
    public async Task The_rule_scorecard_counts_the_conversations_that_kept_each_rule()
    {
        var report = (await ReportAsync())!;

        var scores = report["scorecard"]!.AsArray().ToDictionary(s => s!["rule"]!.GetValue<string>(), s => (s!["kept"]!.GetValue<int>(), s["applicable"]!.GetValue<int>()));
        Assert.Equal((3, 4), scores["name-at-greeting-and-close"]); // Jane, Bob, Dee kept; Eve was not greeted by name
        Assert.Equal((6, 7), scores["choices-at-every-dead-end"]); // c4's "not understood" came without choices
        Assert.Equal((6, 7), scores["first-question-open"]); // c9 opened with "Did your parcel arrive?"
    }

    [Fact]
    public async Task Not_understood_utterances_are_counted_and_try_it_and_earlier_conversations_are_left_out()
    {
        var report = (await ReportAsync())!;

        var top = report["notUnderstood"]!.AsArray().Select(n => (n!["text"]!.GetValue<string>(), n["count"]!.GetValue<int>())).ToList();
        Assert.Equal([(Gibberish, 3), ("qqq zzz", 1)], top); // twice in c2, once in c4; not c7 (earlier) nor draft-c8
    }

    [Fact]
    public async Task The_report_comes_as_CSV_too_and_a_bad_period_is_refused()
    {
        var csv = await _server.Admin.GetStringAsync("api/admin/analytics.csv?from=2026-11-02&to=2026-11-09");

        Assert.StartsWith("section,key,value\r\n", csv);
        Assert.Contains("conversations,total,7\r\n", csv);
        Assert.Contains("wait,medianSeconds,210\r\n", csv);
        Assert.Contains("not understood,blorf the wizzle,3\r\n", csv);
        using var bad = await _server.Admin.GetAsync("api/admin/analytics?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var backwards = await _server.Admin.GetAsync("api/admin/analytics?from=2026-11-09&to=2026-11-02");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal(0, (await ReportAsync("?from=2026-12-01&to=2026-12-02"))!["conversations"]!.GetValue<int>());
    }
}
