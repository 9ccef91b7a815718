using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A Direct Line 3.0 client speaking to the bot the way botframework-directlinejs does.</summary>
public sealed class DirectLineClient(HttpClient http, string token)
{
    public sealed record Conversation(string ConversationId, string Token, int Expires_in, string? StreamUrl, string? UserId);

    public sealed record ActivitySet(List<Activity> Activities, string? Watermark);

    public string Token { get; private set; } = token;

    public string ConversationId { get; set; } = "";

    /// <summary>Starts a conversation the way the web chat page does; <paramref name="browser"/> keeps the visitor's
    /// cookie between conversations (without it every conversation is a new visitor).</summary>
    public static Task<DirectLineClient> StartAsync(BotServer server, string? name = "Jane", HttpClient? browser = null) =>
        StartAsync(browser ?? server.Http, name);

    /// <summary>Starts a conversation through the web chat page's token endpoint at <paramref name="http"/>'s address.</summary>
    public static async Task<DirectLineClient> StartAsync(HttpClient http, string? name = "Jane")
    {
        using var response = await http.PostAsJsonAsync("api/token", new { user = new { name } });
        response.EnsureSuccessStatusCode();
        var session = (await response.Content.ReadFromJsonAsync<Conversation>())!;
        var client = new DirectLineClient(http, session.Token) { UserId = session.UserId! };
        var started = await client.SendAsync(HttpMethod.Post, "v3/directline/conversations");
        started.EnsureSuccessStatusCode();
        var conversation = (await started.Content.ReadFromJsonAsync<Conversation>())!;
        client.ConversationId = conversation.ConversationId;
        client.StreamUrl = conversation.StreamUrl!;
        return client;
    }

    public string StreamUrl { get; private set; } = "";

    public string UserId { get; private init; } = "";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? Token);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, BotJson.Options), Encoding.UTF8, "application/json");
        }
        return await http.SendAsync(request);
    }

    public async Task<string> PostAsync(Activity activity)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v3/directline/conversations/{ConversationId}/activities", activity);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ResourceResponse>(BotJson.Options))!.Id;
    }

    public Task<string> SayAsync(string text, string? clientActivityId = null) => PostAsync(new Activity
    {
        Type = ActivityTypes.Message,
        Text = text,
        ChannelId = "webchat",
        From = new ChannelAccount { Id = "ignored-the-token-decides", Name = "Jane" },
        ChannelData = JsonSerializer.SerializeToElement(new { clientActivityID = clientActivityId ?? Guid.NewGuid().ToString("N") }),
    });

    public Task<string> JoinAsync() => PostAsync(new Activity
    {
        Type = ActivityTypes.Event,
        Name = "webchat/join",
        ChannelId = "webchat",
        From = new ChannelAccount { Id = "x" },
    });

    public async Task<ActivitySet> GetActivitiesAsync(string? watermark = null)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v3/directline/conversations/{ConversationId}/activities?watermark={watermark}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ActivitySet>(BotJson.Options))!;
    }

    /// <summary>Polls the conversation until a message from the bot's side contains <paramref name="text"/>; answers it.</summary>
    public async Task<Activity> WaitForMessageAsync(string text, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = (await GetActivitiesAsync()).Activities.LastOrDefault(a =>
                a.Type == ActivityTypes.Message && a.From?.Role != RoleTypes.User && a.Text?.Contains(text, StringComparison.Ordinal) == true);
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>Opens the conversation's WebSocket stream at <paramref name="streamUrl"/>.</summary>
    public static async Task<Stream> OpenStreamAsync(string streamUrl)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(streamUrl), CancellationToken.None);
        return new Stream(socket);
    }

    public sealed class Stream(ClientWebSocket socket) : IAsyncDisposable
    {
        public ClientWebSocket Socket => socket;

        /// <summary>Reads frames until <paramref name="done"/> holds for everything received; keep-alives are skipped.</summary>
        public async Task<List<ActivitySet>> ReadUntilAsync(Func<IReadOnlyList<Activity>, bool> done, TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
            var sets = new List<ActivitySet>();
            var buffer = new byte[64 * 1024];
            while (!done(sets.SelectMany(s => s.Activities).ToList()))
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, cts.Token);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("The server closed the stream.");
                }
                if (frame.Length > 0)
                {
                    sets.Add(JsonSerializer.Deserialize<ActivitySet>(frame.ToArray(), BotJson.Options)!);
                }
            }
            return sets;
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            socket.Dispose();
        }
    }
}
