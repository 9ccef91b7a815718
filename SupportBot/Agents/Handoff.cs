using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Support;

namespace SupportBot.Agents;

/// <summary>A handoff is queued, then assigned to an agent (and back, when passed on), and finally ended (by its agent)
/// or withdrawn (by the customer); the last two are written only by the <see cref="IHandoffQueue"/> implementations.</summary>
public static class HandoffStatus
{
    public const string Queued = "queued";
    public const string Assigned = "assigned";
    public const string Ended = "ended";
    public const string Withdrawn = "withdrawn";
}

/// <summary>One request for a person: the context package, where to reach the customer, and who has it.
/// <see cref="AnnouncedAt"/>: when it was posted to the Teams agents' channel (null: not yet).</summary>
public sealed record Handoff(
    string Id,
    string ConversationKey,
    string Status,
    string? Agent,
    string? AgentName,
    DateTimeOffset RequestedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt,
    int? ToldPosition,
    string? TeamsThread,
    HandoffRequest Request,
    ConversationReference Reference,
    DateTimeOffset? AnnouncedAt = null);

/// <summary>A message left for a person to answer within 24 hours.</summary>
public sealed record FollowUp(
    string Id,
    string ConversationKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset Due,
    string Contact,
    string? Note,
    HandoffRequest Request,
    string? ClosedBy,
    DateTimeOffset? ClosedAt);

/// <summary>What an agent wrote for colleagues only; never sent to the customer.</summary>
public sealed record AgentNote(string Agent, DateTimeOffset At, string Text);

public static class ConversationKeys
{
    /// <summary>The id of what a turn created (a handoff, a follow-up): the same for every run of that turn, so a
    /// re-run finds it instead of adding another; hex, so it sits in a URL path as it is.</summary>
    public static string IdFor(string conversationKey, string? activityId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{conversationKey}\n{activityId}")))[..32];

    /// <summary>The same key the turn gate uses: a conversation id is unique only within its channel.</summary>
    public static string Of(string? channelId, string? conversationId) => $"{channelId}/{conversationId}";

    /// <summary>Where to send to the customer later: the bot as it was addressed, the customer, the conversation.</summary>
    public static ConversationReference ReferenceOf(Activity activity)
    {
        var conversation = activity.Conversation ?? throw new ArgumentException("The activity has no conversation.");
        return new ConversationReference
        {
            ActivityId = activity.Id,
            ChannelId = activity.ChannelId,
            ServiceUrl = activity.ServiceUrl,
            Locale = activity.Locale,
            Bot = activity.Recipient,
            User = activity.From,
            // Teams needs the tenant to send into a conversation; it may only have come in channelData.
            Conversation = new ConversationAccount
            {
                Id = conversation.Id,
                Name = conversation.Name,
                ConversationType = conversation.ConversationType,
                IsGroup = conversation.IsGroup,
                TenantId = activity.TenantId(),
            },
        };
    }
}
