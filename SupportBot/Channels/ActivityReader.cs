using System.Text.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Channels;

/// <summary>Reads one activity from a request body, bounded in size, and says exactly what is wrong with a bad one.</summary>
public static class ActivityReader
{
    public sealed record Result(Activity? Activity, IResult? Error);

    public static async Task<Result> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return new(null, ApiErrors.TooLarge(maxBytes));
        }
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/vnd.microsoft.activity", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, ApiErrors.UnsupportedMediaType(type));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new(null, ApiErrors.TooLarge(maxBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static Result Parse(ReadOnlySpan<byte> json)
    {
        // The JSON reader checks UTF-8 lazily (inside values kept raw it does not), so check the whole body first.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return new(null, ApiErrors.BadRequest("The body is not valid UTF-8."));
        }
        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(json, BotJson.Options);
        }
        catch (JsonException e)
        {
            return new(null, ApiErrors.BadRequest($"The body is not a valid activity: {e.Message}"));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return new(null, ApiErrors.BadRequest($"The body is not a valid activity: {e.Message}"));
        }
        if (activity is null)
        {
            return new(null, ApiErrors.BadRequest("The body must be a JSON activity object."));
        }
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return new(null, ApiErrors.BadRequest("The activity has no 'type'."));
        }
        return new(activity, null);
    }
}
