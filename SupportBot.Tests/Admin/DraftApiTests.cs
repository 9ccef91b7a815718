using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SupportBot.Tests.Playbook;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>Edits go to a draft, checked before anything is saved; two admins never overwrite each other.</summary>
public sealed class DraftApiTests : IAsyncLifetime
{
    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_default_playbook_has_no_lint_problems()
    {
        var (body, etag) = await _server.GetDraftAsync();

        Assert.Equal("\"0\"", etag);
        Assert.Empty(body["problems"]!.AsArray());
        Assert.Equal(PlaybookDocument.Default()["messages"]!["greeting"]!.GetValue<string>(), body["playbook"]!["messages"]!["greeting"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> BrokenEdits => new()
    {
        // edit (path = value), where the problem is reported, which rule
        { "messages.solved=Unfortunately that is not possible.", "$.messages.solved", "refusal-without-alternative" },
        { "cannedReplies[0]=No.", "$.cannedReplies[0]", "refusal-without-alternative" },
        { "topics[0].clarifyingQuestions[0]=Did you get a tracking email?", "$.topics[0].clarifyingQuestions[0]", "closed-question" },
        { "topics[1].details[0].question=Do you have your order number?", "$.topics[1].details[0].question", "closed-question" },
        { "messages.clarify=Is it about an order?", "$.messages.clarify", "closed-question" },
        { "topics[1].utterances[0]=Where is my order?", "$.topics[1].utterances[0]", "duplicate-utterance" },
        { "topics[1].utterances[0]=where is my order", "$.topics[1].utterances[0]", "validation" },
        { "topics[2].utterances=[\"i was charged twice\",\"payment failed\",\"refund\"]", "$.topics[2].utterances", "validation" },
        { "messages.notUnderstood=", "$.messages.notUnderstood", "validation" },
        { "messages.help=I can't help with that.", "$.messages.help", "validation" },
        { "thresholds.confident=\"high\"", "$.thresholds.confident", "validation" },
    };

    [Theory]
    [MemberData(nameof(BrokenEdits))]
    public async Task An_edit_with_an_error_answers_400_with_the_problem_at_its_path_and_saves_nothing(string edit, string path, string rule)
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        var (target, value) = (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        playbook.Set(target, value.StartsWith('[') || value.StartsWith('"') ? JsonNode.Parse(value) : JsonValue.Create(value));

        using var response = await _server.SaveDraftAsync(playbook, etag);

        var body = await AdminServer.ProblemsOf(response);
        Assert.Contains(AdminServer.Problems(body), p => p.Path == path && p.Rule == rule && p.Severity == "error");
        var (after, etagAfter) = await _server.GetDraftAsync();
        Assert.Equal(etag, etagAfter);
        Assert.True(JsonNode.DeepEquals(PlaybookDocument.Default(), after["playbook"]), "the draft changed");
    }

    [Fact]
    public async Task The_name_placeholder_outside_greeting_closing_and_apology_is_a_warning_and_the_draft_is_saved()
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        playbook.Set("messages.anythingElse", "Is there anything else I can help you with, {name}?");
        playbook.Set("messages.closing", "Thanks {name}, take care!");

        using var response = await _server.SaveDraftAsync(playbook, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var problem = Assert.Single(AdminServer.Problems(body));
        Assert.Equal(("$.messages.anythingElse", "name-placeholder", "warning"), problem);
        Assert.Equal("\"1\"", response.Headers.ETag!.ToString());
        var (after, _) = await _server.GetDraftAsync();
        Assert.Equal("Thanks {name}, take care!", after["playbook"]!["messages"]!["closing"]!.GetValue<string>());
        Assert.Equal("ada", after["savedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_answers_400_with_where_it_broke()
    {
        var (_, etag) = await _server.DraftPlaybookAsync();

        using var response = await _server.SendAsync(HttpMethod.Put, "api/admin/draft", new StringContent("{ \"version\": 1, \"messages\": { \"greeting\": ", Encoding.UTF8, "application/json"), etag);

        var body = await AdminServer.ProblemsOf(response);
        Assert.Contains("line 1", body["problems"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_save_without_If_Match_is_refused_with_428()
    {
        var (playbook, _) = await _server.DraftPlaybookAsync();

        using var response = await _server.SaveDraftAsync(playbook.Set("messages.help", "Ask me anything."), null);

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Equal("\"0\"", (await _server.GetDraftAsync()).ETag);
    }

    [Fact]
    public async Task Of_two_admins_saving_the_same_draft_the_second_gets_a_conflict_and_the_first_edit_stays()
    {
        var (first, etag) = await _server.DraftPlaybookAsync();
        var (second, sameEtag) = await _server.DraftPlaybookAsync();
        Assert.Equal(etag, sameEtag);

        using var won = await _server.SaveDraftAsync(first.Set("messages.help", "First admin's help."), etag);
        using var lost = await _server.SaveDraftAsync(second.Set("messages.help", "Second admin's help."), etag);

        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, lost.StatusCode);
        var conflict = (await lost.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ada", conflict["savedBy"]!.GetValue<string>());
        Assert.Equal(won.Headers.ETag!.ToString(), conflict["etag"]!.GetValue<string>());
        var (after, _) = await _server.GetDraftAsync();
        Assert.Equal("First admin's help.", after["playbook"]!["messages"]!["help"]!.GetValue<string>());
    }

    [Fact]
    public async Task Saves_racing_on_the_same_ETag_let_exactly_one_through()
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        var saves = Enumerable.Range(0, 6).Select(i => _server.SaveDraftAsync(JsonNode.Parse(playbook.ToJsonString())!.AsObject().Set("messages.help", $"Help number {i}."), etag)).ToList();

        var responses = await Task.WhenAll(saves);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var (after, afterEtag) = await _server.GetDraftAsync();
        Assert.Equal(winner.Headers.ETag!.ToString(), afterEtag);
        Assert.Equal("\"1\"", afterEtag);
        Assert.StartsWith("Help number", after["playbook"]!["messages"]!["help"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_to_topic_appends_the_utterance_to_the_draft_and_refuses_an_unknown_topic()
    {
        var (_, etag) = await _server.DraftPlaybookAsync();

        using var added = await _server.SendAsync(HttpMethod.Post, "api/admin/draft/topics/order_status/utterances", JsonContent.Create(new { text = "my box never showed up" }), etag);
        using var unknown = await _server.SendAsync(HttpMethod.Post, "api/admin/draft/topics/no_such_topic/utterances", JsonContent.Create(new { text = "hello" }), added.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var (after, afterEtag) = await _server.GetDraftAsync();
        Assert.Equal(added.Headers.ETag!.ToString(), afterEtag);
        Assert.Equal("my box never showed up", after["playbook"]!["topics"]![0]!["utterances"]!.AsArray()[^1]!.GetValue<string>());
    }

    [Fact]
    public async Task Utterances_round_trip_through_CSV_and_a_CSV_naming_an_unknown_topic_changes_nothing()
    {
        var csv = await _server.Admin.GetStringAsync("api/admin/draft/utterances.csv");
        Assert.StartsWith("topic,utterance\r\norder_status,where is my order\r\n", csv);
        Assert.Contains("order_status,\"hi there, could you let me know when my order will be delivered please\"", csv);
        var (_, etag) = await _server.DraftPlaybookAsync();

        using var bad = await _server.SendAsync(HttpMethod.Put, "api/admin/draft/utterances.csv", new StringContent(csv + "ghost_topic,boo\r\n", Encoding.UTF8, "text/csv"), etag);
        var problems = await AdminServer.ProblemsOf(bad);
        Assert.Contains("ghost_topic", problems["problems"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(etag, (await _server.GetDraftAsync()).ETag);

        using var good = await _server.SendAsync(HttpMethod.Put, "api/admin/draft/utterances.csv", new StringContent(csv + "order_status,\"parcel, where are you\"\r\n", Encoding.UTF8, "text/csv"), etag);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var (after, _) = await _server.GetDraftAsync();
        var utterances = after["playbook"]!["topics"]![0]!["utterances"]!.AsArray().Select(u => u!.GetValue<string>()).ToList();
        Assert.Equal("parcel, where are you", utterances[^1]);
        Assert.Equal(PlaybookDocument.Default()["topics"]![0]!["utterances"]!.AsArray().Count + 1, utterances.Count);
    }

    [Fact]
    public async Task Cross_validation_reports_two_topics_the_recogniser_confuses_and_none_in_the_default_playbook()
    {
        var clean = (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/draft/confusion"))!;
        Assert.Empty(clean["problems"]!.AsArray());

        var (playbook, etag) = await _server.DraftPlaybookAsync();
        // Two topics built from the same sentences: each has half of them as they are and the other half with "now"
        // added, so every utterance of one topic has a near-copy in the other.
        var sentences = playbook["topics"]![0]!["utterances"]!.AsArray().Select(u => u!.GetValue<string>()).ToList();
        var half = sentences.Count / 2;
        var twin = JsonNode.Parse(playbook["topics"]![0]!.ToJsonString())!.AsObject();
        twin["id"] = "delivery_question";
        twin["name"] = "Delivery question";
        twin["utterances"] = Utterances(sentences.Skip(half).Concat(sentences.Take(half).Select(u => u + " now")));
        playbook["topics"]![0]!["utterances"] = Utterances(sentences.Take(half).Concat(sentences.Skip(half).Select(u => u + " now")));
        playbook["topics"]!.AsArray().Add(twin);
        using var saved = await _server.SaveDraftAsync(playbook, etag);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var report = (await _server.Admin.GetFromJsonAsync<JsonObject>("api/admin/draft/confusion"))!;

        Assert.True(report["problems"]!.AsArray().Count == 1, report.ToJsonString());
        var problem = Assert.Single(AdminServer.Problems(report));
        Assert.Equal(("$.topics[9]", "confused-topics", "warning"), problem); // the pair is reported at the first id in order
        Assert.Contains("order_status", report["problems"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_exported_playbook_imports_again_even_with_a_byte_order_mark_and_an_oversized_one_is_refused()
    {
        var exported = await _server.Admin.GetStringAsync("api/admin/draft/export");
        var (_, etag) = await _server.DraftPlaybookAsync();
        var edited = JsonNode.Parse(exported)!.AsObject().Set("messages.help", "Tell me what's going on and I'll point you the right way.");

        using var imported = await _server.SendAsync(HttpMethod.Put, "api/admin/draft", new StringContent("\uFEFF" + edited.ToJsonString(), Encoding.UTF8, "application/json"), etag);
        using var huge = await _server.SendAsync(HttpMethod.Put, "api/admin/draft", new StringContent(new string(' ', 1024 * 1024 + 1), Encoding.UTF8, "application/json"), imported.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var (after, afterEtag) = await _server.GetDraftAsync();
        Assert.Equal(imported.Headers.ETag!.ToString(), afterEtag);
        Assert.Equal("Tell me what's going on and I'll point you the right way.", after["playbook"]!["messages"]!["help"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_draft_written_with_comments_and_trailing_commas_is_saved_and_can_still_be_changed()
    {
        var (playbook, etag) = await _server.DraftPlaybookAsync();
        var text = "// our shop's playbook\n" + playbook.ToJsonString().TrimEnd('}') + ",}";

        using var saved = await _server.SendAsync(HttpMethod.Put, "api/admin/draft", new StringContent(text, Encoding.UTF8, "application/json"), etag);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        using var added = await _server.SendAsync(HttpMethod.Post, "api/admin/draft/topics/order_status/utterances", JsonContent.Create(new { text = "parcel went missing" }), saved.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var (after, _) = await _server.GetDraftAsync();
        Assert.Equal("parcel went missing", after["playbook"]!["topics"]![0]!["utterances"]!.AsArray()[^1]!.GetValue<string>());
    }

    private static JsonArray Utterances(IEnumerable<string> texts) => new(texts.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
}
