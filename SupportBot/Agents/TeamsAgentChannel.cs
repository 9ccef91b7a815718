using System.Text.Json;
using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;
using SupportBot.Staff;

namespace SupportBot.Agents;

/// <summary><c>Teams:AgentChannel</c>: a Teams channel where agents who live in Teams take handoffs. The bot must be
/// installed in that team; the channel's conversation id and service URL come from any activity the bot received there.</summary>
public sealed record TeamsAgentChannelOptions
{
    /// <summary>The channel's conversation id, such as <c>19:abc@thread.tacv2</c>.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The Bot Connector of that team's region, such as <c>https://smba.trafficmanager.net/emea/</c>.</summary>
    public string? ServiceUrl { get; init; }

    public string? TenantId { get; init; }

    public bool Enabled => !string.IsNullOrWhiteSpace(ConversationId);

    public TeamsAgentChannelOptions Validate() =>
        Enabled && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _)
            ? throw new InvalidOperationException("Teams:AgentChannel:ServiceUrl must be the channel's Bot Connector URL when Teams:AgentChannel:ConversationId is set.")
            : this;
}

/// <summary>Agents on Teams: each new handoff is posted to the agents' channel as an Adaptive Card with its context and
/// an Accept button; whoever accepts talks to the customer by replying in that card's thread (with an @mention of the
/// bot), writes "end" to hand back to the bot or "return" to put the conversation back in the queue. The customer's
/// messages are copied into the thread. Nothing said in the agents' channel reaches the support conversation logic.</summary>
public sealed class TeamsAgentChannel(TeamsAgentChannelOptions options, IHandoffQueue queue, IServiceProvider services, TimeProvider clock) : Dialogs.Turns.IMiddleware
{
    private const string AcceptAction = "accept";

    /// <summary>Agents who accept in Teams are named by their Entra object id with this prefix.</summary>
    public const string AgentPrefix = "teams:";

    private AgentDesk Desk => services.GetRequiredService<AgentDesk>(); // resolved late: the desk runs turns through this pipeline

    private ConversationMessenger Messenger => services.GetRequiredService<ConversationMessenger>();

    public async Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        if (options.Enabled && activity.IsTeams() && ChannelOf(activity.Conversation?.Id) == options.ConversationId)
        {
            if (activity.Type == ActivityTypes.Message)
            {
                await FromAgentAsync(context, cancellationToken);
            }
            return;
        }
        await next(cancellationToken);
        if (options.Enabled && activity.Type == ActivityTypes.Message && Relayed(activity) is { Length: > 0 } said
            && await queue.ActiveAsync(ConversationKeys.Of(activity.ChannelId, activity.Conversation?.Id)) is { TeamsThread: { } thread, Status: HandoffStatus.Assigned } handoff)
        {
            await SendToThreadAsync(thread, $"**{Template.EscapeMarkdown(handoff.Request.CustomerName ?? "Customer")}:** {said}");
        }
    }

    /// <summary>Posts the queued handoffs nobody has seen in the channel yet.</summary>
    public async Task AnnounceAsync()
    {
        foreach (var handoff in (await queue.QueuedAsync()).Where(h => h.AnnouncedAt is null))
        {
            await Messenger.SendAsync(ChannelReference(options.ConversationId!), new Activity { Type = ActivityTypes.Message, Attachments = [Card(handoff)] });
            await queue.MarkAnnouncedAsync(handoff.Id, clock.GetUtcNow());
        }
    }

    private async Task FromAgentAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        var agent = new StaffAccount
        {
            Name = AgentPrefix + (activity.From?.AadObjectId ?? activity.From?.Id),
            DisplayName = activity.From?.Name,
            Roles = [StaffRoles.Agent],
        };
        if (activity.Value is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("supportbot", out var action) && action.ValueKind == JsonValueKind.String
            && action.GetString() == AcceptAction && value.TryGetProperty("handoff", out var id) && id.ValueKind == JsonValueKind.String)
        {
            var (outcome, handoff) = await Desk.AcceptAsync(id.GetString()!, agent, teamsThread: activity.Conversation!.Id);
            var customer = handoff?.Request.CustomerName ?? "the customer";
            await context.SendActivityAsync(outcome switch
            {
                AgentDesk.Outcome.Done => $"{agent.Shown} has {customer}'s conversation. Reply in this thread with @mention to write to them; \"end\" hands back to the bot, \"return\" puts it back in the queue.",
                AgentDesk.Outcome.NotFound => "That request is no longer in the queue.",
                _ => handoff?.AgentName is { } owner ? $"{owner} accepted this conversation first." : "This conversation is no longer waiting.",
            }, cancellationToken);
            return;
        }
        activity.RemoveRecipientMention();
        var text = activity.Text?.Trim() ?? "";
        if (text.Length == 0 || !activity.Conversation!.Id!.Contains(";messageid=", StringComparison.Ordinal))
        {
            return; // agents talking among themselves
        }
        if (await queue.ByTeamsThreadAsync(activity.Conversation.Id) is not { } owned)
        {
            return; // not a handoff's thread
        }
        if (owned.Status != HandoffStatus.Assigned || owned.Agent != agent.Name)
        {
            await context.SendActivityAsync(owned.Status == HandoffStatus.Assigned
                ? $"Only {owned.AgentName} can write to this customer."
                : "This conversation is not open here any more, so nothing was sent to the customer.", cancellationToken);
            return;
        }
        switch (text.ToLowerInvariant())
        {
            case "end":
                await Desk.EndAsync(owned, agent);
                await context.SendActivityAsync("Handed back to the bot.", cancellationToken);
                break;
            case "return":
                await Desk.ReturnAsync(owned, agent);
                await context.SendActivityAsync("Back in the queue.", cancellationToken);
                break;
            default:
                await Desk.SendAsync(owned, agent, text);
                break;
        }
    }

    private Task SendToThreadAsync(string thread, string text) =>
        Messenger.SendAsync(ChannelReference(thread), new Activity { Type = ActivityTypes.Message, Text = text, TextFormat = "markdown" });

    private ConversationReference ChannelReference(string conversationId) => new()
    {
        ChannelId = ChannelIds.MsTeams,
        ServiceUrl = options.ServiceUrl,
        Conversation = new ConversationAccount { Id = conversationId, ConversationType = "channel", IsGroup = true, TenantId = options.TenantId },
    };

    /// <summary>What the customer sent, as the agents' channel may show it: redacted, markdown escaped, attachments named.</summary>
    private static string Relayed(Activity activity) => string.Join(" ",
        new[] { activity.Text is { Length: > 0 } text ? Template.EscapeMarkdown(Redactor.Redact(text)) : null }
            .Concat(activity.Attachments?.Select(a => $"[attachment: {Template.EscapeMarkdown(a.Name ?? a.ContentType ?? "file")}]") ?? [])
            .OfType<string>());

    /// <summary>A channel post's thread is the channel's id with <c>;messageid=…</c> after it.</summary>
    private static string? ChannelOf(string? conversationId) => conversationId?.Split(';')[0];

    private static Attachment Card(Handoff handoff)
    {
        var request = handoff.Request;
        List<object> facts = [new { title = "Topic", value = Template.EscapeMarkdown(request.TopicName ?? "not clear yet") }, new { title = "Channel", value = request.ChannelId ?? "" }];
        facts.AddRange(request.Details.Select(d => new { title = d.Key, value = Template.EscapeMarkdown(d.Value) }));
        if (request.Frustrated)
        {
            facts.Add(new { title = "Mood", value = "frustrated" });
        }
        var card = new
        {
            type = "AdaptiveCard",
            version = "1.4",
            body = new object[]
            {
                new { type = "TextBlock", text = $"{Template.EscapeMarkdown(request.CustomerName ?? "A customer")} is waiting for a person", weight = "Bolder", size = "Medium", wrap = true },
                new { type = "FactSet", facts },
                new { type = "TextBlock", text = Template.EscapeMarkdown(request.Summary), wrap = true },
            },
            actions = new object[] { new { type = "Action.Submit", title = "Accept", data = new { supportbot = AcceptAction, handoff = handoff.Id } } },
        };
        return new Attachment { ContentType = "application/vnd.microsoft.card.adaptive", Content = JsonSerializer.SerializeToElement(card) };
    }
}
