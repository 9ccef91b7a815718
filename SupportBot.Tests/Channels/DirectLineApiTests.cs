using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Channels.DirectLine;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Channels;

public sealed class DirectLineApiTests : IAsyncLifetime
{
    private const string Secret = "test-direct-line-secret";
    private BotServer _server = null!;

    public async Task InitializeAsync() => _server = await BotServer.StartAsync(new Dictionary<string, string?> { ["DirectLine:Secret"] = Secret });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Generating_a_token_needs_the_secret_and_binds_a_conversation()
    {
        var anonymous = new DirectLineClient(_server.Http, "not-the-secret");
        using var refused = await anonymous.SendAsync(HttpMethod.Post, "v3/directline/tokens/generate");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var generated = await anonymous.SendAsync(HttpMethod.Post, "v3/directline/tokens/generate", new { user = new { id = "dl_jane", name = "Jane" } }, bearer: Secret);
        var body = await generated.Content.ReadFromJsonAsync<DirectLineClient.Conversation>();
        Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
        Assert.Equal(1800, body!.Expires_in);

        var client = new DirectLineClient(_server.Http, body.Token);
        using var started = await client.SendAsync(HttpMethod.Post, "v3/directline/conversations");
        var conversation = await started.Content.ReadFromJsonAsync<DirectLineClient.Conversation>();
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal(body.ConversationId, conversation!.ConversationId);
        Assert.StartsWith($"ws://{_server.BaseUrl.Authority}/v3/directline/conversations/{body.ConversationId}/stream?", conversation.StreamUrl);

        using var again = await client.SendAsync(HttpMethod.Post, "v3/directline/conversations");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_posted_activity_is_echoed_with_an_id_and_its_client_activity_id_and_answered()
    {
        var client = await DirectLineClient.StartAsync(_server);

        var id = await client.SayAsync("my parcel is late", clientActivityId: "client-42");
        var set = await client.GetActivitiesAsync();

        var echo = set.Activities.First();
        Assert.Equal(id, echo.Id);
        Assert.Equal("client-42", echo.GetChannelDataString("clientActivityID"));
        Assert.Equal(RoleTypes.User, echo.From!.Role);
        Assert.StartsWith("dl_", echo.From.Id); // the token's user, not what the client claimed
        var replies = set.Activities.Skip(1).ToList();
        Assert.All(replies, r => Assert.Equal(RoleTypes.Bot, r.From!.Role));
        Assert.Contains(replies, r => r.Text == "So your order hasn't reached you yet. Did I get that right?");
        Assert.Equal(set.Activities.Count, set.Activities.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task Activities_are_paged_by_watermark_without_repeats()
    {
        var client = await DirectLineClient.StartAsync(_server);
        await client.JoinAsync();
        var first = await client.GetActivitiesAsync();

        await client.SayAsync("hello");
        var next = await client.GetActivitiesAsync(first.Watermark);

        Assert.Equal("hello", next.Activities.First().Text);
        Assert.Empty(next.Activities.Select(a => a.Id).Intersect(first.Activities.Select(a => a.Id)));
        Assert.Empty((await client.GetActivitiesAsync(next.Watermark)).Activities);
    }

    [Fact]
    public async Task The_stream_delivers_backlog_then_live_activities_and_a_reconnect_loses_and_repeats_nothing()
    {
        var client = await DirectLineClient.StartAsync(_server);
        await client.JoinAsync();

        string watermark;
        await using (var stream = await DirectLineClient.OpenStreamAsync(client.StreamUrl))
        {
            var backlog = await stream.ReadUntilAsync(a => a.Any(x => x.Text?.Contains("welcome") == true));
            await client.SayAsync("my parcel is late");
            var live = await stream.ReadUntilAsync(a => a.Any(x => x.Text?.Contains("Did I get that right?") == true));
            watermark = live.Last().Watermark!;
            Assert.NotEmpty(backlog);
        }

        // While disconnected the customer (from another tab) and the bot keep talking.
        await client.SayAsync("yes");
        using var reconnect = await client.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{client.ConversationId}?watermark={watermark}");
        var fresh = await reconnect.Content.ReadFromJsonAsync<DirectLineClient.Conversation>();
        Assert.Contains($"watermark={watermark}", fresh!.StreamUrl);

        await using var resumed = await DirectLineClient.OpenStreamAsync(fresh.StreamUrl!);
        var missed = (await resumed.ReadUntilAsync(a => a.Any(x => x.Text?.Contains("order number") == true))).SelectMany(s => s.Activities).ToList();

        var all = (await client.GetActivitiesAsync()).Activities;
        var afterWatermark = all.SkipWhile(a => a.Text != "yes").ToList();
        Assert.Equal(afterWatermark.Select(a => a.Id), missed.Select(a => a.Id));
    }

    [Fact]
    public async Task A_token_reaches_only_its_own_conversation()
    {
        var jane = await DirectLineClient.StartAsync(_server, "Jane");
        var mallory = await DirectLineClient.StartAsync(_server, "Mallory");
        await jane.SayAsync("my card ends 4242");

        using var read = await mallory.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{jane.ConversationId}/activities");
        using var post = await mallory.SendAsync(HttpMethod.Post, $"v3/directline/conversations/{jane.ConversationId}/activities", new Activity { Type = "message", Text = "hi" });
        using var reconnect = await mallory.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{jane.ConversationId}");
        var streamUrl = mallory.StreamUrl.Replace(mallory.ConversationId, jane.ConversationId, StringComparison.Ordinal);
        var socketError = await Assert.ThrowsAnyAsync<Exception>(() => DirectLineClient.OpenStreamAsync(streamUrl));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { read.StatusCode, post.StatusCode, reconnect.StatusCode });
        Assert.Contains("403", socketError.Message);
    }

    [Fact]
    public async Task A_visitor_who_comes_back_in_the_same_browser_is_the_same_customer_and_is_welcomed_back_by_name()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = _server.BaseUrl };
        var first = await DirectLineClient.StartAsync(_server, "Jane", browser);
        await first.JoinAsync();
        await first.WaitForMessageAsync("Hi Jane, welcome!");

        var again = await DirectLineClient.StartAsync(_server, name: null, browser);
        await again.JoinAsync();
        await again.WaitForMessageAsync("Welcome back, Jane!");
        var otherBrowser = await DirectLineClient.StartAsync(_server, name: null);

        Assert.NotEqual(first.ConversationId, again.ConversationId);
        Assert.Equal(first.UserId, again.UserId);
        Assert.NotEqual(first.UserId, otherBrowser.UserId);
        var cookie = Assert.Single(cookies.GetAllCookies());
        Assert.Equal(first.UserId, cookie.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("/api/token", cookie.Path);
    }

    [Fact]
    public async Task A_customer_cookie_that_is_not_one_of_ours_is_replaced_not_trusted()
    {
        foreach (var forged in new[] { "dl_attackers-choice", "../../users/admin", "dl_" + new string('A', 32) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/token") { Content = JsonContent.Create(new { }) };
            request.Headers.Add("Cookie", $"{WebChatCustomer.Cookie}={Uri.EscapeDataString(forged)}");
            using var response = await _server.Http.SendAsync(request);
            var session = await response.Content.ReadFromJsonAsync<DirectLineClient.Conversation>();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Matches("^dl_[0-9a-f]{32}$", session!.UserId);
            Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{WebChatCustomer.Cookie}={session.UserId};", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Expired_forged_and_missing_tokens_get_403_and_unknown_conversations_404()
    {
        var tokens = _server.Services.GetRequiredService<DirectLineTokens>();
        var client = await DirectLineClient.StartAsync(_server);
        var expired = tokens.Issue(client.ConversationId, "dl_x", null, TimeSpan.FromSeconds(-1));
        var forged = client.Token[..^4] + "AAAA";
        var path = $"v3/directline/conversations/{client.ConversationId}/activities";

        using var expiredAnswer = await client.SendAsync(HttpMethod.Get, path, bearer: expired);
        using var forgedAnswer = await client.SendAsync(HttpMethod.Get, path, bearer: forged);
        using var missing = await _server.Http.GetAsync(path);
        using var refresh = await client.SendAsync(HttpMethod.Post, "v3/directline/tokens/refresh", bearer: expired);
        using var unknown = await client.SendAsync(HttpMethod.Get, "v3/directline/conversations/nope/activities", bearer: Secret);

        Assert.Equal(HttpStatusCode.Forbidden, expiredAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forgedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var error = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("NotFound", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Refreshing_a_token_keeps_the_conversation()
    {
        var client = await DirectLineClient.StartAsync(_server);

        using var refreshed = await client.SendAsync(HttpMethod.Post, "v3/directline/tokens/refresh");
        var body = await refreshed.Content.ReadFromJsonAsync<DirectLineClient.Conversation>();
        var withNewToken = new DirectLineClient(_server.Http, body!.Token);
        using var read = await withNewToken.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{client.ConversationId}/activities");

        Assert.Equal(client.ConversationId, body.ConversationId);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Malformed_and_oversized_activities_are_refused_with_a_clear_error()
    {
        var client = await DirectLineClient.StartAsync(_server);
        var path = $"v3/directline/conversations/{client.ConversationId}/activities";

        using var malformed = await client.SendAsync(HttpMethod.Post, path, "{\"type\": ");
        using var untyped = await client.SendAsync(HttpMethod.Post, path, "{\"text\":\"hi\"}");
        using var huge = await client.SendAsync(HttpMethod.Post, path, new Activity { Type = "message", Text = new string('x', 300 * 1024) });
        using var badWatermark = await client.SendAsync(HttpMethod.Get, path + "?watermark=abc");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, untyped.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badWatermark.StatusCode);
        Assert.Empty((await client.GetActivitiesAsync()).Activities);
    }

    [Fact]
    public async Task An_uploaded_file_arrives_as_an_attachment_that_can_be_downloaded()
    {
        var client = await DirectLineClient.StartAsync(_server);
        using var form = new MultipartFormDataContent();
        var activity = new StringContent(BotJson.Serialize(new Activity { Type = "message", Text = "photo of the damage", From = new ChannelAccount { Id = "x" } }));
        activity.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
        form.Add(activity, "activity", "blob");
        var file = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "damage.png");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"v3/directline/conversations/{client.ConversationId}/upload?userId=x") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        using var response = await _server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var echo = (await client.GetActivitiesAsync()).Activities.First();
        var attachment = echo.Attachments!.Single();
        Assert.Equal(("image/png", "damage.png", "photo of the damage"), (attachment.ContentType, attachment.Name, echo.Text));
        var bytes = await _server.Http.GetByteArrayAsync(attachment.ContentUrl);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 }, bytes);
    }

    [Fact]
    public async Task Too_many_new_conversations_from_one_address_get_429_with_retry_after()
    {
        await using var server = await BotServer.StartAsync(new Dictionary<string, string?> { ["DirectLine:TokensPerMinute"] = "2" });

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await server.Http.PostAsync("api/token", null));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers.Select(a => a.StatusCode));
        Assert.Equal("60", answers[2].Headers.GetValues("Retry-After").Single());
        var error = await answers[2].Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("TooManyRequests", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_client_flooding_one_conversation_gets_429_and_other_conversations_are_unaffected()
    {
        await using var server = await BotServer.StartAsync(new Dictionary<string, string?> { ["DirectLine:ActivitiesPerMinute"] = "3" });
        var flooder = await DirectLineClient.StartAsync(server);
        var other = await DirectLineClient.StartAsync(server);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await flooder.SendAsync(HttpMethod.Post, $"v3/directline/conversations/{flooder.ConversationId}/activities",
                new Activity { Type = ActivityTypes.Message, Text = $"spam {i}", From = new ChannelAccount { Id = "x" } });
            answers.Add(response.StatusCode);
        }
        await other.SayAsync("hello");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.DoesNotContain((await flooder.GetActivitiesAsync()).Activities, a => a.Text == "spam 3"); // refused, not stored
    }

    [Fact]
    public async Task An_upload_that_is_too_large_not_multipart_or_broken_is_refused_and_nothing_is_posted()
    {
        var client = await DirectLineClient.StartAsync(_server);
        var path = $"v3/directline/conversations/{client.ConversationId}/upload?userId=x";

        using var huge = new MultipartFormDataContent { { new ByteArrayContent(new byte[DirectLineApi.MaxUploadBytes + 1]), "file", "big.bin" } };
        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, path) { Content = huge };
        tooLarge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        using var tooLargeAnswer = await _server.Http.SendAsync(tooLarge);
        using var notMultipart = await client.SendAsync(HttpMethod.Post, path, "{\"type\":\"message\"}");
        using var broken = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("garbage") };
        broken.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zz");
        broken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        using var brokenAnswer = await _server.Http.SendAsync(broken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLargeAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, brokenAnswer.StatusCode);
        Assert.Contains("multipart", await brokenAnswer.Content.ReadAsStringAsync());
        Assert.Empty((await client.GetActivitiesAsync()).Activities);
    }
}
