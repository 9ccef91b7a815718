using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Admin.Publishing;
using SupportBot.Staff;
using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Admin;

/// <summary>The real server with an admin (ada) and an agent (bo), and a signed-in HTTP client for each.</summary>
public sealed class AdminServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private static readonly string PasswordHash = StaffAccounts.Hash(Password);

    private AdminServer(BotServer server) => Server = server;

    public BotServer Server { get; }

    public HttpClient Admin { get; private set; } = null!;

    public static IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Staff:Accounts:0:Name"] = "ada",
        ["Staff:Accounts:0:DisplayName"] = "Ada",
        ["Staff:Accounts:0:PasswordHash"] = PasswordHash,
        ["Staff:Accounts:0:Roles:0"] = StaffRoles.Admin,
        ["Staff:Accounts:1:Name"] = "bo",
        ["Staff:Accounts:1:PasswordHash"] = PasswordHash,
        ["Staff:Accounts:1:Roles:0"] = StaffRoles.Agent,
    };

    /// <param name="more">Settings added to the accounts, for example another storage provider.</param>
    public static async Task<AdminServer> StartAsync(string? dataDirectory = null, IDictionary<string, string?>? more = null)
    {
        var settings = Settings();
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var server = new AdminServer(await BotServer.StartAsync(settings, dataDirectory));
        server.Admin = await server.SignInAsync("ada");
        return server;
    }

    /// <summary>A client signed in as <paramref name="name"/>, or anonymous when null.</summary>
    public async Task<HttpClient> SignInAsync(string? name)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = Server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (name is not null)
        {
            using var response = await client.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = name, ["password"] = Password }));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.DoesNotContain("failed", response.Headers.Location?.ToString() ?? "");
        }
        return client;
    }

    public async Task<(JsonObject Body, string ETag)> GetDraftAsync()
    {
        using var response = await Admin.GetAsync("api/admin/draft");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(body["etag"]!.GetValue<string>(), response.Headers.ETag!.ToString());
        return (body, response.Headers.ETag!.ToString());
    }

    /// <summary>The draft's playbook document, for a test to change.</summary>
    public async Task<(JsonObject Playbook, string ETag)> DraftPlaybookAsync()
    {
        var (body, etag) = await GetDraftAsync();
        return (body["playbook"]!.AsObject(), etag);
    }

    public Task<HttpResponseMessage> SaveDraftAsync(JsonObject playbook, string? etag) =>
        SendAsync(HttpMethod.Put, "api/admin/draft", new StringContent(playbook.ToJsonString(), Encoding.UTF8, "application/json"), etag);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, string? etag)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        }
        return Admin.SendAsync(request);
    }

    /// <summary>Publishes the draft at <paramref name="etag"/> and waits until customers are on it.</summary>
    public async Task<int> PublishAsync(string etag, string note = "test")
    {
        using var response = await SendAsync(HttpMethod.Post, "api/admin/publish", JsonContent.Create(new { note }), etag);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        await WaitLiveAsync();
        return body["version"]!["number"]!.GetValue<int>();
    }

    public async Task WaitLiveAsync()
    {
        var publisher = (LivePublisher)Server.Services.GetService(typeof(LivePublisher))!;
        await publisher.Pending.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(publisher.RequestedVersion, publisher.LiveVersion);
    }

    public static async Task<JsonObject> ProblemsOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(body["problems"]);
        return body;
    }

    public static IEnumerable<(string Path, string Rule, string Severity)> Problems(JsonObject body) =>
        body["problems"]!.AsArray().Select(p => (p!["path"]!.GetValue<string>(), p["rule"]!.GetValue<string>(), p["severity"]!.GetValue<string>()));

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    public static JsonSerializerOptions Json => JsonSerializerOptions.Web;
}
