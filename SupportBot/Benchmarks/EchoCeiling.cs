using SupportBot.Channels;
using SupportBot.Dialogs.Schema;
using SupportBot.Storage;

namespace SupportBot.Benchmarks;

/// <summary>The ceiling for the load benchmark: bare Kestrel, the same activity parsing as <c>/api/messages</c>
/// (<see cref="ActivityReader"/>), one reply echoed in the <c>expectReplies</c> body, nothing else (no state,
/// no dialogs, no transcript, no logging). Run as <c>SupportBot benchmark echo --urls http://127.0.0.1:PORT</c>.
/// With <c>--durable FOLDER</c> it is the ceiling for a bot that stores every turn: before answering it stores the
/// activity and its reply in SupportBot's transcript, through the same group commit (<see cref="SqliteDatabase"/>,
/// WAL, <c>synchronous = FULL</c>), so what separates SupportBot from it is the bot and its state, not the disk.</summary>
public static class EchoCeiling
{
    public static string ReplyText(string type, string? text) => $"Echo: {text ?? type}";

    public static WebApplication Build(string[] args)
    {
        var at = Array.IndexOf(args, "--durable");
        if (at >= 0 && at + 1 >= args.Length)
        {
            throw new ArgumentException("--durable needs a folder for the database.");
        }
        var durable = at >= 0 ? new SqliteDatabase(Path.Combine(args[at + 1], "echo.db")) : null;
        var transcript = durable is null ? null : new SqliteTranscriptStore(durable, new TranscriptFeed());
        var builder = WebApplication.CreateSlimBuilder(at >= 0 ? [.. args[..at], .. args[(at + 2)..]] : args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (durable is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() => durable.DisposeAsync().AsTask().GetAwaiter().GetResult());
        }
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
            reply.Id = Activity.NewId();
            reply.From!.Role = RoleTypes.Bot;
            if (transcript is not null)
            {
                await transcript.LogActivitiesAsync([activity, reply], CancellationToken.None);
            }
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
