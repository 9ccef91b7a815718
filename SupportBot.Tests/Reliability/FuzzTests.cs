using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SupportBot.Tests.Reliability;

/// <summary>Bad input, bounded: a fixed seed and a few thousand mutations of valid activities against /api/messages
/// and Direct Line. Never a 5xx, every rejection a clear 4xx with {error:{code,message}}, and the server still up.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261123;
    private const int Inputs = 1500;

    private static readonly string[] Valid =
    [
        """{"type":"message","text":"where is my order 123456","channelId":"test","from":{"id":"u1","name":"Jane"},"recipient":{"id":"bot"},"conversation":{"id":"fuzz"},"serviceUrl":"http://127.0.0.1:1/","locale":"en-GB","entities":[{"type":"mention","text":"<at>Bot</at>","mentioned":{"id":"bot"}}],"channelData":{"clientActivityID":"x"}}""",
        """{"type":"conversationUpdate","channelId":"msteams","from":{"id":"29:1","aadObjectId":"a"},"recipient":{"id":"bot"},"conversation":{"id":"fuzz","conversationType":"personal","tenantId":"t"},"serviceUrl":"http://127.0.0.1:1/","membersAdded":[{"id":"29:1"},{"id":"bot"}]}""",
        """{"type":"event","name":"webchat/join","channelId":"webchat","from":{"id":"u2"},"recipient":{"id":"bot"},"conversation":{"id":"fuzz"},"serviceUrl":"http://127.0.0.1:1/","value":{"name":"Jane"}}""",
        """{"type":"message","text":"","value":{"choice":"Yes"},"channelId":"msteams","from":{"id":"29:1"},"recipient":{"id":"bot"},"conversation":{"id":"fuzz"},"serviceUrl":"http://127.0.0.1:1/"}""",
        """{"type":"invoke","name":"adaptiveCard/action","channelId":"msteams","from":{"id":"29:1"},"recipient":{"id":"bot"},"conversation":{"id":"fuzz"},"serviceUrl":"http://127.0.0.1:1/","value":{"action":{"type":"Action.Execute"}}}""",
    ];

    [Fact]
    public async Task Thousands_of_mutated_activities_never_get_a_5xx_and_every_rejection_is_a_clear_4xx()
    {
        await using var connector = await FakeConnector.StartAsync();
        // Every mutation must reach the Direct Line parser, not the per-conversation rate limit.
        await using var server = await BotServer.StartAsync(new Dictionary<string, string?> { ["DirectLine:ActivitiesPerMinute"] = "100000" });
        var directLine = await DirectLineClient.StartAsync(server);
        var random = new Random(Seed);
        var statuses = new Dictionary<int, int>();
        var unclear = new List<string>();
        var serverErrors = new List<string>();

        for (var i = 0; i < Inputs; i++)
        {
            var (body, contentType) = Mutate(random, i, connector.ServiceUrl);
            var toDirectLine = i % 3 == 2;
            using var request = new HttpRequestMessage(HttpMethod.Post, toDirectLine ? $"v3/directline/conversations/{directLine.ConversationId}/activities" : "api/messages")
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : null;
            if (toDirectLine)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", directLine.Token);
            }
            using var response = await server.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var answer = await response.Content.ReadAsStringAsync();
            // 501 is the Bot Framework's answer to an invoke nobody handles, not a failure.
            if (status >= 500 && !(status == 501 && Encoding.UTF8.GetString(body).Contains("\"invoke\"", StringComparison.Ordinal)))
            {
                serverErrors.Add($"{status} for {Preview(body)}: {Preview(Encoding.UTF8.GetBytes(answer))}");
            }
            else if (status is >= 400 and < 500 && !IsClearError(answer))
            {
                unclear.Add($"{status} without an error body for {Preview(body)}");
            }
        }
        foreach (var watermark in new[] { "-1", "abc", "99999999999999999999", "1e5", " ", "%00", "0x10" })
        {
            using var response = await directLine.SendAsync(HttpMethod.Get, $"v3/directline/conversations/{directLine.ConversationId}/activities?watermark={Uri.EscapeDataString(watermark)}");
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode >= 500)
            {
                serverErrors.Add($"{(int)response.StatusCode} for watermark '{watermark}'");
            }
        }

        using var health = await server.Http.GetAsync("healthz");
        output.WriteLine($"inputs {Inputs + 7} (seed {Seed}); answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"5xx {serverErrors.Count}; 4xx without a clear error {unclear.Count}");
        foreach (var line in serverErrors.Concat(unclear).Take(10))
        {
            output.WriteLine("  " + line);
        }
        Assert.Empty(serverErrors);
        Assert.Empty(unclear);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static (byte[] Body, string ContentType) Mutate(Random random, int i, string serviceUrl)
    {
        var json = JsonNode.Parse(Valid[random.Next(Valid.Length)].Replace("http://127.0.0.1:1/", serviceUrl, StringComparison.Ordinal))!.AsObject();
        json["conversation"]!["id"] = $"fuzz-{i % 50}";
        switch (random.Next(10))
        {
            case 0: // a field of the wrong type
                json[Pick(random, json)] = random.Next(4) switch { 0 => 42, 1 => new JsonArray(1, 2), 2 => true, _ => new JsonObject { ["x"] = "y" } };
                break;
            case 1: // a field missing
                json.Remove(Pick(random, json));
                break;
            case 2: // a huge string
                json["text"] = new string('x', random.Next(1, 400) * 1024);
                break;
            case 3: // deep JSON
                JsonNode deep = "bottom";
                for (var d = 0; d < random.Next(60, 300); d++)
                {
                    deep = new JsonObject { ["a"] = deep };
                }
                json["channelData"] = deep;
                break;
            case 4: // unusual text: lone surrogates, control characters, right-to-left marks, emoji
                json["text"] = random.Next(3) switch { 0 => "\ud800 broken", 1 => "\u0000\u0007\u202e order 123456", _ => "🙂🙃 mi pedido 😡 !!!" };
                break;
            case 5: // truncated
                json["deliveryMode"] = "expectReplies";
                var text = json.ToJsonString();
                return (Encoding.UTF8.GetBytes(text[..random.Next(text.Length)]), "application/json");
            case 6: // invalid UTF-8 bytes
                json["deliveryMode"] = "expectReplies";
                var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
                bytes[random.Next(bytes.Length)] = 0xFF;
                return (bytes, "application/json");
            case 7: // a wrong content type
                json["deliveryMode"] = "expectReplies";
                return (Encoding.UTF8.GetBytes(json.ToJsonString()), random.Next(2) == 0 ? "text/plain" : "application/x-www-form-urlencoded");
            case 8: // an unknown or empty type
                json["type"] = random.Next(2) == 0 ? "" : "somethingNew" + random.Next(1000);
                break;
            case 9 when random.Next(2) == 0: // the whole body an array, a string or null
                return (Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "[1,2]", 1 => "\"message\"", _ => "null" }), "application/json");
            default: // garbage
                var garbage = new byte[random.Next(0, 200)];
                random.NextBytes(garbage);
                return (garbage, "application/json");
        }
        json["deliveryMode"] = "expectReplies"; // replies in the body: the fuzz is about input, not a connector
        return (Encoding.UTF8.GetBytes(json.ToJsonString()), "application/json");
    }

    private static string Pick(Random random, JsonObject json)
    {
        var names = json.Select(p => p.Key).ToList();
        return names[random.Next(names.Count)];
    }

    private static bool IsClearError(string body)
    {
        try
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            return error.GetProperty("code").GetString() is { Length: > 0 } && error.GetProperty("message").GetString() is { Length: > 0 };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Preview(byte[] body) => Encoding.UTF8.GetString(body[..Math.Min(body.Length, 600)]).ReplaceLineEndings(" ");
}
