using System.Text.Json;

namespace SupportBot.Dialogs.Schema;

/// <summary>What Microsoft Teams puts on an activity: who the customer is, their tenant, the chat's scope, mentions.</summary>
public static class TeamsActivity
{
    public static bool IsTeams(this Activity activity) => activity.ChannelId == ChannelIds.MsTeams;

    /// <summary>A one-to-one chat with the bot (Teams "personal" scope); any chat on a channel without scopes counts.</summary>
    public static bool IsPersonal(this Activity activity) =>
        activity.Conversation?.ConversationType is null or "personal" && activity.Conversation?.IsGroup != true;

    /// <summary>The customer: in Teams the Entra user (aadObjectId, the same in every chat and team), else from.id.</summary>
    public static string? CustomerId(this Activity activity) =>
        activity.IsTeams() && activity.From?.AadObjectId is { Length: > 0 } aad ? aad : activity.From?.Id;

    /// <summary>The Teams tenant: channelData.tenant.id, else conversation.tenantId.</summary>
    public static string? TenantId(this Activity activity) =>
        activity.ChannelData is { ValueKind: JsonValueKind.Object } data
        && data.TryGetProperty("tenant", out var tenant) && tenant.ValueKind == JsonValueKind.Object
        && tenant.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value
            ? value
            : activity.Conversation?.TenantId;

    /// <summary>True when a mention entity names the bot (the activity's recipient).</summary>
    public static bool MentionsRecipient(this Activity activity) =>
        activity.Entities?.Any(e => e.Type == "mention" && e.Properties is { } p && p.TryGetValue("mentioned", out var mentioned)
            && mentioned.ValueKind == JsonValueKind.Object && mentioned.TryGetProperty("id", out var id)
            && id.ValueKind == JsonValueKind.String && id.GetString() == activity.Recipient?.Id) == true;

    /// <summary>The choice a tapped card button submitted: <c>value</c> as a string or <c>value.choice</c>.</summary>
    public static string? SubmittedChoice(this Activity activity) => activity.Value switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Object } v when v.TryGetProperty("choice", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };
}
