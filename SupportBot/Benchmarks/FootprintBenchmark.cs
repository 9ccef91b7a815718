using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SupportBot.Benchmarks;

/// <summary>What a deployment costs besides throughput: start-up time (cold, and with the model cache warm), memory
/// per idle conversation, and Direct Line WebSocket delivery latency (post → the bot's reply on the stream).</summary>
public static class FootprintBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var conversations = args is ["--conversations", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 10_000;
        var dll = typeof(FootprintBenchmark).Assembly.Location;
        var data = Directory.CreateTempSubdirectory("supportbot-footprint-").FullName;
        try
        {
            await MeasureAsync(dll, data, conversations);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
        return 0;
    }

    private static async Task MeasureAsync(string dll, string data, int conversations)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        var starts = new List<double>();
        for (var run = 0; run < 4; run++)
        {
            var (process, port, firstReply) = await StartAsync(dll, data, http);
            starts.Add(firstReply);
            Stop(process);
        }
        Console.WriteLine($"start-up to first reply: cold (trains the recogniser) {starts[0]:F0} ms; warm model cache {string.Join(", ", starts.Skip(1).Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))} ms (median {Median(starts.Skip(1).ToList()):F0} ms)");

        var (server, serverPort, _) = await StartAsync(dll, data, http);
        try
        {
            var baseUrl = $"http://127.0.0.1:{serverPort}/";
            await Task.Delay(1000);
            var before = ResidentBytes(server);
            await Parallel.ForEachAsync(Enumerable.Range(0, conversations), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            {
                using var response = await http.PostAsJsonAsync(baseUrl + "api/messages", Greeting($"idle-{i}"), ct);
                response.EnsureSuccessStatusCode();
            });
            await Task.Delay(2000);
            var after = ResidentBytes(server);
            Console.WriteLine($"memory: resident {before / 1048576.0:F1} MiB before, {after / 1048576.0:F1} MiB after {conversations} conversations " +
                $"→ {(after - before) / (double)conversations:F0} bytes per idle conversation (state lives in SQLite, not in the process)");

            var latencies = await DirectLineLatencyAsync(http, baseUrl, 200);
            latencies.Sort();
            Console.WriteLine($"Direct Line WebSocket delivery (post → bot reply on the stream), {latencies.Count} messages: " +
                $"p50 {latencies[latencies.Count / 2]:F2} ms, p90 {latencies[(int)(latencies.Count * 0.9)]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F2} ms");
        }
        finally
        {
            Stop(server);
        }
    }

    private static async Task<(Process Process, int Port, double FirstReplyMs)> StartAsync(string dll, string data, HttpClient http)
    {
        var port = LoadBenchmark.FreePort();
        var clock = Stopwatch.StartNew();
        var process = Process.Start(LoadBenchmark.Dotnet(dll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", LoadBenchmark.ContentRoot(),
            "--Storage:DataDirectory", data, "--Logging:LogLevel:Default", "Warning"))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync($"http://127.0.0.1:{port}/api/messages", Greeting("start-" + Guid.NewGuid().ToString("N")));
                    if (response.IsSuccessStatusCode)
                    {
                        return (process, port, clock.Elapsed.TotalMilliseconds);
                    }
                }
                catch (HttpRequestException)
                {
                }
                if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new InvalidOperationException("SupportBot did not start");
                }
                await Task.Delay(10);
            }
        }
        catch
        {
            Stop(process); // a server that did not start (or whose first reply timed out) is not left running
            throw;
        }
    }

    /// <summary>In conversations of 100 messages: one conversation may post 120 a minute (DirectLine:ActivitiesPerMinute).</summary>
    private static async Task<List<double>> DirectLineLatencyAsync(HttpClient http, string baseUrl, int messages)
    {
        var latencies = new List<double>();
        for (var sent = 0; sent < messages; sent += 100)
        {
            latencies.AddRange(await ConversationLatencyAsync(http, baseUrl, Math.Min(100, messages - sent)));
        }
        return latencies;
    }

    private static async Task<List<double>> ConversationLatencyAsync(HttpClient http, string baseUrl, int messages)
    {
        using var tokenResponse = await http.PostAsJsonAsync(baseUrl + "api/token", new { user = new { name = "Jane" } });
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var start = new HttpRequestMessage(HttpMethod.Post, baseUrl + "v3/directline/conversations");
        start.Headers.Authorization = new("Bearer", token);
        using var started = await http.SendAsync(start);
        var conversation = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = conversation.GetProperty("conversationId").GetString();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(conversation.GetProperty("streamUrl").GetString()!), CancellationToken.None);

        // replyToId → when the first reply to it arrived; filled by the reader whatever the order of POST and stream.
        var replies = new Dictionary<string, TaskCompletionSource<DateTime>>();
        TaskCompletionSource<DateTime> ReplyTo(string key)
        {
            lock (replies)
            {
                if (!replies.TryGetValue(key, out var waiting))
                {
                    replies[key] = waiting = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                return waiting;
            }
        }
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[256 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                if (frame.Length == 0)
                {
                    continue;
                }
                var now = DateTime.UtcNow;
                foreach (var activity in JsonDocument.Parse(frame.ToArray()).RootElement.GetProperty("activities").EnumerateArray())
                {
                    if (activity.TryGetProperty("replyToId", out var replyTo) && replyTo.GetString() is { } key)
                    {
                        ReplyTo(key).TrySetResult(now);
                    }
                }
            }
        });

        var latencies = new List<double>();
        for (var i = 0; i < messages; i++)
        {
            var sent = DateTime.UtcNow;
            using var post = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}v3/directline/conversations/{id}/activities")
            {
                Content = new StringContent("""{"type":"message","channelId":"webchat","from":{"id":"x"},"text":"help"}""", Encoding.UTF8, "application/json"),
            };
            post.Headers.Authorization = new("Bearer", token);
            using var posted = await http.SendAsync(post);
            if (!posted.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Direct Line post {i + 1} answered {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
            }
            var activityId = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var arrived = await ReplyTo(activityId).Task.WaitAsync(TimeSpan.FromSeconds(10));
            latencies.Add((arrived - sent).TotalMilliseconds);
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await reader;
        return latencies;
    }

    private static object Greeting(string conversationId) => new
    {
        type = "conversationUpdate",
        channelId = "test",
        serviceUrl = "http://127.0.0.1:1/",
        deliveryMode = "expectReplies",
        from = new { id = "user-" + conversationId, name = "Jane" },
        recipient = new { id = "bot" },
        conversation = new { id = conversationId },
        membersAdded = new[] { new { id = "user-" + conversationId, name = "Jane" } },
    };

    private static long ResidentBytes(Process process)
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
    }
}
