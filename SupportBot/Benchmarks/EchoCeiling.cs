using SupportBot.Channels;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Benchmarks;

/// <summary>The ceiling for the load benchmark: bare Kestrel, the same activity parsing as <c>/api/messages</c>
/// (<see cref="ActivityReader"/>), one reply echoed in the <c>expectReplies</c> body, nothing else (no state,
/// no dialogs, no transcript, no logging). Run as <c>SupportBot benchmark echo --urls http://127.0.0.1:PORT</c>.</summary>
public static class EchoCeiling
{
    public static string ReplyText(string type, string? text) => $"Echo: {text ?? type}";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapPost("/api/messages", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var read = await ActivityReader.ReadAsync(request, 256 * 1024, cancellationToken);
            if (read.Error is not null)
            {
                return read.Error;
            }
            var activity = read.Activity!;
            var reply = activity.CreateReply(ReplyText(activity.Type ?? "", activity.Text));
            reply.Id = Guid.NewGuid().ToString("N");
            reply.From!.Role = RoleTypes.Bot;
            return Results.Json(new ExpectedReplies([reply]), BotJson.Options);
        });
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        await Build(args).RunAsync();
        return 0;
    }
}
