using System.Security.Claims;
using System.Text.Json;
using SupportBot.Channels;
using SupportBot.Dialogs.Schema;
using SupportBot.Playbooks;
using SupportBot.Staff;
using SupportBot.Storage;

namespace SupportBot.Agents;

/// <summary>The agent console: its page at <c>/agent</c> and the API under <c>/api/agent</c>, all for signed-in
/// agents only. An agent sees the queue (with each request's context, so they can choose) and the conversations they
/// own; a conversation's transcript and actions belong to its owner alone.</summary>
public static class AgentConsoleApi
{
    private const int MaxText = 4000;

    public static void MapAgentConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/agent", (IWebHostEnvironment env) => Results.File(Path.Combine(env.ContentRootPath, "Pages", "agent.html"), "text/html"))
            .RequireAuthorization(StaffSignIn.AgentPolicy);
        var api = app.MapGroup("/api/agent").RequireAuthorization(StaffSignIn.AgentPolicy).AddEndpointFilter(Outages);
        api.MapGet("/queue", async (ClaimsPrincipal user, ConsoleSnapshot snapshot) => Results.Ok(await snapshot.ForAsync(StaffAccount.Of(user))));
        api.MapGet("/stream", StreamQueueAsync);
        api.MapPost("/presence", (ClaimsPrincipal user, AgentPresence presence, StatusBody body) =>
        {
            if (body.Status is not (AgentPresence.Available or AgentPresence.Away))
            {
                return ApiErrors.BadRequest($"status must be '{AgentPresence.Available}' or '{AgentPresence.Away}'.");
            }
            presence.SetStatus(StaffAccount.Of(user).Name, body.Status);
            return Results.NoContent();
        });
        api.MapPost("/handoffs/{id}/accept", async (string id, ClaimsPrincipal user, AgentDesk desk) =>
        {
            var agent = StaffAccount.Of(user);
            var (outcome, handoff) = await desk.AcceptAsync(id, agent);
            return outcome switch
            {
                AgentDesk.Outcome.Done => Results.Ok(new { id, status = handoff!.Status }),
                AgentDesk.Outcome.NotFound => ApiErrors.NotFound("No such handoff."),
                _ => ApiErrors.Error(StatusCodes.Status409Conflict, "Conflict", handoff?.Agent is { } owner && owner != agent.Name
                    ? $"{handoff.AgentName ?? owner} accepted this conversation first."
                    : "This conversation is no longer waiting."),
            };
        });
        api.MapGet("/handoffs/{id}", (string id, ClaimsPrincipal user, AgentDesk desk, IHandoffQueue queue) =>
            Owned(id, user, desk, async (handoff, _) => Results.Ok(new
            {
                handoff = ConsoleSnapshot.View(handoff),
                notes = await queue.NotesAsync(handoff.Id),
            })));
        api.MapGet("/handoffs/{id}/stream", (string id, HttpContext http, ClaimsPrincipal user, AgentDesk desk,
            ITranscriptStore transcripts, TranscriptFeed feed, HubNotifications notifications) =>
            Owned(id, user, desk, async (handoff, agent) =>
            {
                await StreamConversationAsync(http, handoff, transcripts, feed, notifications,
                    async () => (await desk.OwnedAsync(id, agent)).Outcome == AgentDesk.Outcome.Done);
                return Results.Empty;
            }));
        api.MapPost("/handoffs/{id}/messages", (string id, TextBody body, ClaimsPrincipal user, AgentDesk desk) =>
            WithText(body, text => Owned(id, user, desk, async (handoff, agent) =>
            {
                await desk.SendAsync(handoff, agent, text);
                return Results.NoContent();
            })));
        api.MapPost("/handoffs/{id}/typing", (string id, ClaimsPrincipal user, AgentDesk desk) =>
            Owned(id, user, desk, async (handoff, agent) =>
            {
                await desk.TypingAsync(handoff, agent);
                return Results.NoContent();
            }));
        api.MapPost("/handoffs/{id}/notes", (string id, TextBody body, ClaimsPrincipal user, AgentDesk desk) =>
            WithText(body, text => Owned(id, user, desk, async (handoff, agent) =>
            {
                await desk.NoteAsync(handoff, agent, text);
                return Results.NoContent();
            })));
        api.MapPost("/handoffs/{id}/end", (string id, ClaimsPrincipal user, AgentDesk desk) =>
            Owned(id, user, desk, async (handoff, agent) => await desk.EndAsync(handoff, agent) ? Results.NoContent() : Gone()));
        api.MapPost("/handoffs/{id}/return", (string id, ClaimsPrincipal user, AgentDesk desk) =>
            Owned(id, user, desk, async (handoff, agent) => await desk.ReturnAsync(handoff, agent) ? Results.NoContent() : Gone()));
        api.MapPost("/follow-ups/{id}/close", async (string id, ClaimsPrincipal user, IHandoffQueue queue, HubNotifications notifications, TimeProvider clock) =>
        {
            if (!await queue.CloseFollowUpAsync(id, StaffAccount.Of(user).Name, clock.GetUtcNow()))
            {
                return ApiErrors.NotFound("No open follow-up with that id.");
            }
            notifications.Raise();
            return Results.NoContent();
        });
    }

    /// <summary>An agent whose message the customer's channel would not take, or whose action could not be stored, is
    /// told so plainly (and nothing half-done is shown as sent: the transcript is written only after delivery).</summary>
    private static async ValueTask<object?> Outages(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Channels.Connector.ReplyDeliveryException)
        {
            return ApiErrors.Error(StatusCodes.Status502BadGateway, "ConnectorUnavailable", "The customer's channel did not take this; it was not sent. Try again in a moment.");
        }
        catch (Dialogs.State.StorageUnavailableException)
        {
            return ApiErrors.Unavailable("The hub could not store this; nothing was changed. Try again in a moment.");
        }
    }

    public sealed record StatusBody(string? Status);

    public sealed record TextBody(string? Text);

    private static async Task<IResult> Owned(string id, ClaimsPrincipal user, AgentDesk desk, Func<Handoff, StaffAccount, Task<IResult>> action)
    {
        var agent = StaffAccount.Of(user);
        var (outcome, handoff) = await desk.OwnedAsync(id, agent);
        return outcome switch
        {
            AgentDesk.Outcome.Done => await action(handoff!, agent),
            AgentDesk.Outcome.NotFound => ApiErrors.NotFound("No such handoff."),
            AgentDesk.Outcome.Over => Gone(),
            _ => ApiErrors.Forbidden("This conversation is not assigned to you."),
        };
    }

    private static Task<IResult> WithText(TextBody? body, Func<string, Task<IResult>> action) =>
        body?.Text?.Trim() is not { Length: > 0 } text ? Task.FromResult(ApiErrors.BadRequest("text is required."))
        : text.Length > MaxText ? Task.FromResult(ApiErrors.BadRequest($"text is longer than {MaxText} characters."))
        : action(text);

    private static IResult Gone() =>
        ApiErrors.Error(StatusCodes.Status409Conflict, "Conflict", "This conversation is no longer yours to change: it has ended or gone back to the queue.");

    /// <summary>Server-sent events: the agent's whole view now, and again after every change. While it is open the
    /// agent counts as present.</summary>
    private static async Task StreamQueueAsync(HttpContext http, ClaimsPrincipal user, ConsoleSnapshot snapshot,
        AgentPresence presence, HubNotifications notifications)
    {
        var agent = StaffAccount.Of(user);
        StartEvents(http);
        using var here = presence.Connect(agent.Name);
        var cancel = http.RequestAborted;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                var next = notifications.NextChange;
                await WriteEventAsync(http, "queue", JsonSerializer.Serialize(await snapshot.ForAsync(agent), JsonSerializerOptions.Web));
                // A comment every 20 s keeps proxies from closing a quiet stream.
                await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(20), cancel));
                if (!next.IsCompleted)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    await next.WaitAsync(cancel);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the console closed
        }
    }

    /// <summary>Server-sent events: the conversation's transcript so far, then each activity as it is stored, for as
    /// long as the agent owns the conversation (ended or passed on, the stream ends).</summary>
    private static async Task StreamConversationAsync(HttpContext http, Handoff handoff, ITranscriptStore transcripts, TranscriptFeed feed,
        HubNotifications notifications, Func<Task<bool>> stillOwned)
    {
        var channel = handoff.Reference.ChannelId!;
        var conversation = handoff.Reference.Conversation!.Id!;
        StartEvents(http);
        using var live = feed.Subscribe(conversation); // before reading, so nothing stored meanwhile is missed
        var cancel = http.RequestAborted;
        var sent = new HashSet<string>(StringComparer.Ordinal); // activity ids are unique in a conversation
        var changed = notifications.NextChange; // before reading, so a change of owner meanwhile is not missed
        try
        {
            // The feed only wakes: what to show always comes from the store, whichever instance stored it.
            var stored = Task.FromResult(true);
            while (true)
            {
                if (await Task.WhenAny(stored, changed) == changed)
                {
                    if (!await stillOwned())
                    {
                        return;
                    }
                    changed = notifications.NextChange;
                    continue;
                }
                if (!await stored)
                {
                    return;
                }
                while (live.Reader.TryRead(out _))
                {
                }
                foreach (var entry in await transcripts.GetConversationAsync(channel, conversation, cancel))
                {
                    if (sent.Add(entry.Activity.Id!))
                    {
                        await WriteEventAsync(http, "activity", BotJson.Serialize(entry.Activity));
                    }
                }
                stored = live.Reader.WaitToReadAsync(cancel).AsTask();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // the console closed the conversation
        }
    }

    private static void StartEvents(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private static async Task WriteEventAsync(HttpContext http, string name, string json)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
