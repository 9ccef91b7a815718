using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Dialogs.Schema;
using SupportBot.Storage;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

/// <summary>One bot without an app id (authentication off) and its connector, shared by the tests.</summary>
public sealed class OpenBot : IAsyncLifetime
{
    public FakeConnector Connector { get; private set; } = null!;

    public BotServer Bot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Connector = await FakeConnector.StartAsync();
        Bot = await BotServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Connector.DisposeAsync();
    }
}

/// <summary>POST /api/messages as the Bot Framework protocol specifies it, with authentication off.</summary>
public sealed class MessagesApiTests(OpenBot fixture) : IClassFixture<OpenBot>
{
    private const int DefaultMaxActivityBytes = 256 * 1024;

    [Fact]
    public async Task Malformed_JSON_is_a_bad_request()
    {
        using var response = await PostRawAsync("{\"type\": \"message\", \"text\": ");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadArgument");
    }

    [Fact]
    public async Task Activity_without_a_type_is_a_bad_request()
    {
        var activity = Message("hello");
        activity.Type = null!;

        using var response = await PostRawAsync(BotJson.Serialize(activity));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadArgument");
    }

    [Fact]
    public async Task Activity_without_a_conversation_id_is_a_bad_request()
    {
        var activity = Message("hello");
        activity.Conversation = new ConversationAccount();

        using var response = await fixture.Bot.PostActivityAsync(activity);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadArgument");
    }

    [Fact]
    public async Task Body_over_the_size_limit_is_refused_with_413()
    {
        var activity = Message(new string('x', DefaultMaxActivityBytes));

        using var response = await fixture.Bot.PostActivityAsync(activity);

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig");
    }

    [Fact]
    public async Task Chunked_body_over_the_size_limit_is_refused_with_413()
    {
        var json = Encoding.UTF8.GetBytes(BotJson.Serialize(Message(new string('x', DefaultMaxActivityBytes))));
        using var content = new StreamContent(new MemoryStream(json));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/messages") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await fixture.Bot.Http.SendAsync(request);

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Chunked_body_of_exactly_the_size_limit_arrives_whole_and_one_byte_more_is_refused(int over)
    {
        // No Content-Length, and two-byte characters: the body is read in many pieces into a buffer that grows.
        var activity = Message("TEXT");
        var frame = Encoding.UTF8.GetByteCount(BotJson.Serialize(activity)) - "TEXT".Length;
        var room = DefaultMaxActivityBytes + over - frame;
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i:D4}é"));
        text = text.PadRight(text.Length + (room - Encoding.UTF8.GetByteCount(text)) / 2, 'é');
        text = text.PadRight(text.Length + room - Encoding.UTF8.GetByteCount(text), 'x');
        var json = BotJson.Serialize(activity).Replace("TEXT", text); // unescaped, unlike the serialiser's output
        Assert.Equal(DefaultMaxActivityBytes + over, Encoding.UTF8.GetByteCount(json));
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/messages") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await fixture.Bot.Http.SendAsync(request);

        if (over > 0)
        {
            await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig");
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await fixture.Bot.Services.GetRequiredService<ITranscriptStore>().GetConversationAsync(activity.ChannelId!, activity.Conversation!.Id!, default);
        Assert.Equal(text, stored[0].Activity.Text);
    }

    [Fact]
    public async Task Wrong_content_type_is_refused_with_415()
    {
        using var response = await PostRawAsync(BotJson.Serialize(Message("hello")), "text/plain");

        await AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "BadArgument");
    }

    [Fact]
    public async Task Message_replies_go_to_the_connector_with_escaped_conversation_and_reply_to_ids()
    {
        var activity = Message("My headphones won't charge", conversationId: "a:1#x");
        activity.Id = "f:1#2";

        using var response = await fixture.Bot.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var welcome = await fixture.Connector.NextAsync("a:1#x");
        var reflection = await fixture.Connector.NextAsync("a:1#x");
        foreach (var received in new[] { welcome, reflection })
        {
            // '#' reaches the connector's path only when escaped; unescaped it would start a fragment.
            Assert.Equal("/v3/conversations/a:1#x/activities/f:1#2", Uri.UnescapeDataString(received.Path));
            Assert.Equal("a:1#x", received.Activity.Conversation!.Id);
            Assert.Equal("f:1#2", received.Activity.ReplyToId);
            Assert.Null(received.Authorization);
        }
        Assert.Equal("Hi Jane, welcome!", welcome.Activity.Text);
        Assert.Equal("So something you bought isn't working as it should. Did I get that right?", reflection.Activity.Text);
    }

    [Fact]
    public async Task Expect_replies_answers_the_greeting_in_the_body()
    {
        var activity = Activities.MembersAdded(NewConversation(), userName: "Jane", serviceUrl: fixture.Connector.ServiceUrl);
        activity.DeliveryMode = DeliveryModes.ExpectReplies;

        using var response = await fixture.Bot.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<ExpectedReplies>(BotJson.Options);
        var greeting = Assert.Single(body!.Activities);
        Assert.Contains("Jane", greeting.Text);
        Assert.Contains("What can I help you with today?", greeting.Text);
        Assert.Equal(activity.Id, greeting.ReplyToId);
    }

    [Fact]
    public async Task Invoke_without_a_handler_answers_501()
    {
        var activity = Message("");
        activity.Type = ActivityTypes.Invoke;
        activity.Text = null;
        activity.Name = "composeExtension/query";

        using var response = await fixture.Bot.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_activity_type_is_accepted_with_200()
    {
        var activity = Message("");
        activity.Type = "somethingNew";
        activity.Text = null;

        using var response = await fixture.Bot.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_redelivered_activity_is_not_run_twice_and_its_replies_are_not_sent_twice()
    {
        var conversationId = NewConversation();
        var first = Message("where is my order 123456", conversationId);

        using var once = await fixture.Bot.PostActivityAsync(first);
        var replies = new[] { await fixture.Connector.NextAsync(conversationId), await fixture.Connector.NextAsync(conversationId) };
        using var again = await fixture.Bot.PostActivityAsync(first); // the channel did not hear back in time and retries
        var next = Message("yes", conversationId);
        using var answered = await fixture.Bot.PostActivityAsync(next);
        var afterYes = await fixture.Connector.NextAsync(conversationId);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (once.StatusCode, again.StatusCode));
        Assert.Contains("Did I get that right?", replies[1].Activity.Text);
        // The next reply answers "yes"; nothing from the redelivered turn came in between.
        Assert.Equal(next.Id, afterYes.Activity.ReplyToId);
    }

    [Fact]
    public async Task A_redelivered_activity_waiting_for_replies_gets_the_stored_replies_again_and_runs_once()
    {
        var conversationId = NewConversation();
        var first = Message("my parcel is late, order 123456", conversationId);

        var replies = await fixture.Bot.ExchangeAsync(first);
        var again = await fixture.Bot.ExchangeAsync(first); // the response was lost and the channel retries
        var third = await fixture.Bot.ExchangeAsync(first);
        var next = await fixture.Bot.ExchangeAsync(Message("yes", conversationId));

        Assert.Contains("Did I get that right?", replies[^1].Text);
        // The same replies, ids included, read back from the transcript; the turn itself did not run again.
        Assert.Equal(replies.Select(r => (r.Id, r.Text, r.ReplyToId)), again.Select(r => (r.Id, r.Text, r.ReplyToId)));
        Assert.Equal(replies.Select(r => (r.Id, r.Text, r.ReplyToId)), third.Select(r => (r.Id, r.Text, r.ReplyToId)));
        Assert.StartsWith("Thanks. For order #123456: most parcels arrive", next[0].Text);
    }

    [Fact]
    public async Task Without_authentication_replies_to_a_remote_service_url_are_refused()
    {
        var activity = Activities.Message("hello", NewConversation(), serviceUrl: "https://smba.trafficmanager.net/emea/");

        using var response = await fixture.Bot.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_connector_that_cannot_be_reached_answers_502_and_keeps_the_turn()
    {
        var conversationId = NewConversation();
        var activity = Activities.Message("my parcel is late, order 123456", conversationId, serviceUrl: "http://127.0.0.1:9/");

        using var response = await fixture.Bot.PostActivityAsync(activity);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("ConnectorUnavailable", body.GetProperty("error").GetProperty("code").GetString());
        // The turn itself was stored: the next message continues from it.
        var next = Activities.Message("yes", conversationId, serviceUrl: fixture.Connector.ServiceUrl);
        using var answered = await fixture.Bot.PostActivityAsync(next);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.StartsWith("Thanks. For order #123456: most parcels arrive", (await fixture.Connector.NextAsync(conversationId)).Activity.Text);
    }

    private Activity Message(string text, string? conversationId = null) =>
        Activities.Message(text, conversationId ?? NewConversation(), serviceUrl: fixture.Connector.ServiceUrl);

    private static string NewConversation() => "api-" + Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> PostRawAsync(string body, string contentType = "application/json") =>
        await fixture.Bot.Http.PostAsync("api/messages", new StringContent(body, Encoding.UTF8, contentType));

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }
}
