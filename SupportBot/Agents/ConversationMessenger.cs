using System.Text.Json;
using SupportBot.Channels;
using SupportBot.Channels.Connector;
using SupportBot.Channels.DirectLine;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Agents;

/// <summary>Reaches a customer outside their own turns, with the conversation reference stored at handoff: an agent's
/// words, typing, queue updates (stored in the transcript, which is the web chat stream and the agent's view, and
/// sent through the Bot Connector on other channels, as Teams proactive messages), and the hub's
/// <c>handoff.status</c> events, which run as turns of the bot so its state and replies follow the usual path.</summary>
public sealed class ConversationMessenger(ITranscriptLogger transcript, ConnectorClient connector, BotAdapter adapter, IDirectLineConversations directLine)
{
    public async Task SendAsync(ConversationReference reference, Activity activity)
    {
        activity.Id ??= Activity.NewId();
        activity.Timestamp ??= DateTimeOffset.UtcNow;
        activity.ChannelId = reference.ChannelId;
        activity.ServiceUrl = reference.ServiceUrl;
        activity.Conversation = reference.Conversation;
        activity.Recipient = reference.User;
        activity.From ??= new ChannelAccount { Id = reference.Bot?.Id, Name = reference.Bot?.Name };
        activity.From.Id = reference.Bot?.Id; // the connector sends only as the bot; the name says who wrote it
        activity.From.Role = RoleTypes.Bot;
        if (!await IsSelfHostedAsync(reference))
        {
            await connector.SendAllAsync([activity], CancellationToken.None); // first: the transcript shows only what was sent
        }
        await transcript.LogActivitiesAsync([activity], CancellationToken.None);
    }

    /// <summary>Tells the bot what the hub decided, as the event an external hub would send.</summary>
    public async Task RaiseStatusAsync(ConversationReference reference, string state, string? agent)
    {
        var status = new Activity
        {
            Type = ActivityTypes.Event,
            Name = HandoffStates.EventName,
            Value = JsonSerializer.SerializeToElement(new { state, agent }, BotJson.Options),
            ChannelId = reference.ChannelId,
            ServiceUrl = reference.ServiceUrl,
            Conversation = reference.Conversation,
            From = reference.User, // the customer's state is the one it changes
            Recipient = reference.Bot,
            ChannelData = reference.Conversation?.TenantId is { } tenant
                ? JsonSerializer.SerializeToElement(new { tenant = new { id = tenant } }, BotJson.Options)
                : null,
        };
        var selfHosted = await IsSelfHostedAsync(reference);
        await adapter.ProcessAsync(status, replies =>
        {
            if (selfHosted)
            {
                return Task.CompletedTask; // stored in the transcript, which is the stream
            }
            foreach (var reply in replies)
            {
                reply.ReplyToId = null; // nothing the customer sent to reply to: a new message in the conversation
            }
            return connector.SendAllAsync(replies, CancellationToken.None);
        });
    }

    /// <summary>This server's own Direct Line (the web chat page) delivers through the transcript; everything else,
    /// Azure's Web Chat and Direct Line included, through the Bot Connector at the conversation's service URL.</summary>
    private async Task<bool> IsSelfHostedAsync(ConversationReference reference) =>
        reference.ChannelId is ChannelIds.WebChat or ChannelIds.DirectLine
        && await directLine.ExistsAsync(reference.Conversation!.Id!, CancellationToken.None);
}
