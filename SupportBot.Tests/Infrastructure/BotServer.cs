using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The real SupportBot host on a loopback Kestrel port with its own SQLite data folder.</summary>
public sealed class BotServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BotServer(WebApplication app, string dataDirectory, Uri baseUrl)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseUrl = baseUrl;
        // No cookies: every web chat token is a new visitor unless a test keeps a customer's cookie itself.
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDirectory { get; }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; pass the data folder of an earlier one to continue on its SQLite file.</summary>
    public static async Task<BotServer> StartAsync(IDictionary<string, string?>? settings = null, string? dataDirectory = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        dataDirectory ??= TempFolder.Create("supportbot-data");
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--contentRoot", RepoPaths.HostProject,
            "--Storage:DataDirectory", dataDirectory,
            "--Logging:LogLevel:Default", "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            args.Add($"--{key}");
            args.Add(value ?? "");
        }
        var app = SupportBotApp.Build(args.ToArray(), configureServices);
        await app.StartAsync();
        var address = app.Urls.First();
        return new BotServer(app, dataDirectory, new Uri(address.TrimEnd('/') + "/"));
    }

    public async Task<HttpResponseMessage> PostActivityAsync(Activity activity, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/messages")
        {
            Content = new StringContent(BotJson.Serialize(activity), Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return await Http.SendAsync(request);
    }

    /// <summary>Sends one activity with <c>expectReplies</c> and answers the bot's replies.</summary>
    public async Task<IReadOnlyList<Activity>> ExchangeAsync(Activity activity)
    {
        activity.DeliveryMode = DeliveryModes.ExpectReplies;
        using var response = await PostActivityAsync(activity);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<ExpectedReplies>(BotJson.Options);
        return body!.Activities;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
