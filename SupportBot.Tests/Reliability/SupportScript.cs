using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SupportBot.Dialogs.Schema;
using SupportBot.Tests.Infrastructure;

namespace SupportBot.Tests.Reliability;

/// <summary>The eight-turn support conversation the reliability tests play: the benchmark's six turns (greeting,
/// reflection, answer, rating, comment, closing) and a second case opened after the closing. Each conversation
/// has its own order number, so one conversation's state can never pass for another's.</summary>
public static class SupportScript
{
    public sealed record Step(string Type, string? Text, string[] Expect);

    public static IReadOnlyList<Step> Steps(int order) =>
    [
        new("conversationUpdate", null, ["Hi Jane, welcome!"]),
        new("message", $"my parcel hasnt arrived, order {order}", [$"#{order}", "Did I get that right?"]),
        new("message", "yes", [$"For order #{order}:", "Did that solve it?"]),
        new("message", "yes", ["how would you rate your experience"]),
        new("message", "5", ["No comment"]),
        new("message", "No comment", ["Thank you, Jane"]),
        new("message", $"my parcel hasnt arrived, order {order}", [$"#{order}", "Did I get that right?"]),
        new("message", "yes", ["Did that solve it?"]),
    ];

    public const int Turns = 8;

    public static Activity ActivityFor(Step step, string conversationId, string id, string serviceUrl = "http://127.0.0.1:1/")
    {
        var activity = step.Type == "conversationUpdate"
            ? Activities.MembersAdded(conversationId, serviceUrl: serviceUrl)
            : Activities.Message(step.Text!, conversationId, serviceUrl: serviceUrl);
        activity.Id = id;
        activity.DeliveryMode = DeliveryModes.ExpectReplies;
        return activity;
    }

    public sealed record Outcome(HttpStatusCode? Status, List<Activity> Replies, string? Error)
    {
        public bool Ok => Status == HttpStatusCode.OK && Error is null;
    }

    /// <summary>Posts one turn with expectReplies and answers what came back (or the transport error).</summary>
    public static async Task<Outcome> ExchangeAsync(HttpClient http, Uri messages, Activity activity, CancellationToken cancellationToken = default)
    {
        try
        {
            using var content = new StringContent(BotJson.Serialize(activity), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(messages, content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new(response.StatusCode, [], body);
            }
            var replies = JsonSerializer.Deserialize<ExpectedReplies>(body, BotJson.Options)?.Activities ?? [];
            return new(response.StatusCode, replies.ToList(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new(null, [], e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>Null when the replies are the bot's answer to <paramref name="step"/>: messages to the customer,
    /// each replying to the sent activity, one of them holding every expected piece, no apology.</summary>
    public static string? Check(Step step, Activity sent, IReadOnlyList<Activity> replies)
    {
        var messages = replies.Where(r => r.Type == ActivityTypes.Message).ToList();
        if (messages.Count == 0)
        {
            return "no bot message";
        }
        if (messages.Any(m => m.Text?.Contains("something went wrong", StringComparison.OrdinalIgnoreCase) == true))
        {
            return "apology: " + Expect.Text(messages);
        }
        if (replies.Any(r => r.ReplyToId != sent.Id || r.Recipient?.Id != sent.From!.Id))
        {
            return "a reply to another activity or customer";
        }
        var all = string.Join(" / ", messages.Select(m => m.Text));
        return step.Expect.All(e => all.Contains(e, StringComparison.Ordinal)) ? null : $"wanted [{string.Join("; ", step.Expect)}], got: {all}";
    }
}

/// <summary>Reads what the server stored, straight from its SQLite file.</summary>
public sealed class StoredData : IDisposable
{
    private readonly SqliteConnection _connection;

    public StoredData(string dataDirectory)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "supportbot.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        _connection.Open();
    }

    public JsonElement? State(string key)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT json FROM state WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() is string json ? JsonDocument.Parse(json).RootElement.Clone() : null;
    }

    public Dictionary<string, JsonElement> States(string prefix)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT key, json FROM state WHERE key LIKE $prefix || '%'";
        command.Parameters.AddWithValue("$prefix", prefix);
        using var reader = command.ExecuteReader();
        var states = new Dictionary<string, JsonElement>();
        while (reader.Read())
        {
            states[reader.GetString(0)] = JsonDocument.Parse(reader.GetString(1)).RootElement.Clone();
        }
        return states;
    }

    /// <summary>Every stored activity by conversation, in transcript order.</summary>
    public Dictionary<string, List<Activity>> Transcripts(string conversationPrefix)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT c.id, t.json FROM transcript t JOIN conversation c ON c.number = t.conversation
            WHERE c.id LIKE $prefix || '%' ORDER BY t.seq
            """;
        command.Parameters.AddWithValue("$prefix", conversationPrefix);
        using var reader = command.ExecuteReader();
        var transcripts = new Dictionary<string, List<Activity>>();
        while (reader.Read())
        {
            var conversation = reader.GetString(0);
            if (!transcripts.TryGetValue(conversation, out var list))
            {
                transcripts[conversation] = list = [];
            }
            list.Add(BotJson.Deserialize<Activity>(reader.GetString(1))!);
        }
        return transcripts;
    }

    public List<(string ActivityId, string ConversationId, string Json, int Attempts, string LastError)> Undelivered()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT activity_id, conversation_id, json, attempts, last_error FROM undelivered ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, int, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4)));
        }
        return rows;
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>Null when the stored case is the finished eight-turn script for <paramref name="order"/>.</summary>
    public static string? CheckFinishedCase(JsonElement? state, int order)
    {
        if (state is not { } s || !s.TryGetProperty("case", out var c))
        {
            return "no stored case";
        }
        var rating = c.TryGetProperty("satisfaction", out var sat) && sat.TryGetProperty("rating", out var r) ? r.GetInt32() : (int?)null;
        var outcome = c.TryGetProperty("outcome", out var o) ? o.GetString() : null;
        var number = c.TryGetProperty("details", out var d) && d.TryGetProperty("orderNumber", out var n) ? n.GetString() : null;
        var said = c.TryGetProperty("customerSaid", out var cs) ? cs.GetArrayLength() : 0;
        // The second case is open (no outcome yet, one message so far); the first one's rating stays with the conversation.
        return rating == 5 && outcome is null && number == order.ToString() && said == 1
            ? null
            : $"rating {rating}, outcome {outcome}, order {number}, customerSaid {said}";
    }
}
