using System.Buffers;
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

        // A pooled buffer, sized by Content-Length when the channel sends one (a fresh 16 KB one per request, zeroed,
        // showed in the profile); at most 64 KB before any byte has come, whatever a client announces.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength + 1 ?? 4096, 64 * 1024));
        var used = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(used), cancellationToken)) > 0)
            {
                used += read;
                if (used > maxBytes)
                {
                    return new(null, ApiErrors.TooLarge(maxBytes));
                }
                if (used == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, used).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            return Parse(buffer.AsSpan(0, used));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
