using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using SupportBot.Staff;

namespace SupportBot.Tests.Infrastructure;

/// <summary>An agent or admin signed in to a <see cref="BotServer"/> with the real cookie sign-in.</summary>
public sealed class StaffClient : IDisposable
{
    public const string Password = "correct horse battery staple";

    private StaffClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>Settings for <see cref="BotServer"/> that configure these accounts, all with <see cref="Password"/>.</summary>
    public static Dictionary<string, string?> Accounts(params (string Name, string DisplayName, string[] Roles)[] accounts)
    {
        var hash = StaffAccounts.Hash(Password);
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < accounts.Length; i++)
        {
            settings[$"Staff:Accounts:{i}:Name"] = accounts[i].Name;
            settings[$"Staff:Accounts:{i}:DisplayName"] = accounts[i].DisplayName;
            settings[$"Staff:Accounts:{i}:PasswordHash"] = hash;
            for (var r = 0; r < accounts[i].Roles.Length; r++)
            {
                settings[$"Staff:Accounts:{i}:Roles:{r}"] = accounts[i].Roles[r];
            }
        }
        return settings;
    }

    public static HttpClient Anonymous(BotServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    public static Task<StaffClient> SignInAsync(BotServer server, string name, string password = Password) => SignInAsync(server.BaseUrl, name, password);

    /// <summary>Signs in at <paramref name="site"/>; the cookie goes with requests to any port of the same host.</summary>
    public static async Task<StaffClient> SignInAsync(Uri site, string name, string password = Password)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = site,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await http.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = name,
            ["password"] = password,
            ["returnUrl"] = "/agent",
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString() != "/agent")
        {
            throw new InvalidOperationException($"Sign-in as {name} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
        return new StaffClient(http);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        Http.PostAsync(path, body is null ? null : JsonContent.Create(body));

    /// <summary>Opens a server-sent event stream; while the agent's hub stream is open they count as present.</summary>
    public async Task<EventStream> OpenEventsAsync(string path)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new EventStream(response);
    }

    public void Dispose() => Http.Dispose();

    public sealed class EventStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly Channel<(string Name, JsonElement Data)> _events = Channel.CreateUnbounded<(string, JsonElement)>();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reader;

        public EventStream(HttpResponseMessage response)
        {
            _response = response;
            _reader = Task.Run(ReadAsync);
        }

        private async Task ReadAsync()
        {
            try
            {
                using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
                string? name = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        name = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                    {
                        await _events.Writer.WriteAsync((name, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                // closed
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        }

        /// <summary>The next event of that name that satisfies <paramref name="match"/>, skipping others.</summary>
        public async Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
            while (true)
            {
                var (eventName, data) = await _events.Reader.ReadAsync(cts.Token);
                if (eventName == name && (match is null || match(data)))
                {
                    return data;
                }
            }
        }

        /// <summary>Completes when the server ends the stream.</summary>
        public Task EndedAsync(TimeSpan? timeout = null) => _reader.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            await _reader;
        }
    }
}
