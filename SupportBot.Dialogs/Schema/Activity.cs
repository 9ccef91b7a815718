using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportBot.Dialogs.Schema;

/// <summary>A Bot Framework v3 activity. Unknown fields are kept in <see cref="Properties"/> so they survive a round trip.</summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public DateTimeOffset? LocalTimestamp { get; set; }
    public string? LocalTimezone { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? TextFormat { get; set; }
    public string? AttachmentLayout { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<ChannelAccount>? MembersRemoved { get; set; }
    public string? TopicName { get; set; }
    public string? Locale { get; set; }
    public string? Text { get; set; }
    public string? Speak { get; set; }
    public string? InputHint { get; set; }
    public string? Summary { get; set; }
    public SuggestedActions? SuggestedActions { get; set; }
    public List<Attachment>? Attachments { get; set; }
    public List<Entity>? Entities { get; set; }
    public JsonElement? ChannelData { get; set; }
    public string? Action { get; set; }
    public string? ReplyToId { get; set; }
    public string? Label { get; set; }
    public string? ValueType { get; set; }
    public JsonElement? Value { get; set; }
    public string? Name { get; set; }
    public ConversationReference? RelatesTo { get; set; }
    public string? Code { get; set; }
    public string? DeliveryMode { get; set; }
    public string? CallerId { get; set; }
    public DateTimeOffset? Expiration { get; set; }
    public string? Importance { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>A new activity id: 128 random bits as 32 hex digits, the shape of a GUID's "N" form. An id has to be
    /// unique, not secret, so it comes from <see cref="Random.Shared"/>: a GUID reads the kernel's random source, one
    /// system call per id, which showed in the profile of a loaded server.</summary>
    public static string NewId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
    }

    /// <summary>A reply addressed back to the sender: from/recipient swapped, conversation and channel copied.</summary>
    public Activity CreateReply(string? text = null) => new()
    {
        Type = ActivityTypes.Message,
        Timestamp = DateTimeOffset.UtcNow,
        From = Recipient is null ? null : new ChannelAccount { Id = Recipient.Id, Name = Recipient.Name },
        Recipient = From is null ? null : new ChannelAccount { Id = From.Id, Name = From.Name },
        Conversation = Conversation,
        ServiceUrl = ServiceUrl,
        ChannelId = ChannelId,
        Locale = Locale,
        ReplyToId = Id,
        Text = text,
        InputHint = InputHints.AcceptingInput,
    };

    /// <summary>A copy of this activity's own fields; what they point to (from, conversation, entities…) is shared.</summary>
    public Activity ShallowCopy() => (Activity)MemberwiseClone();

    /// <summary>Removes "@Bot" from the text (Teams group chats and channels mention the bot to reach it).</summary>
    public void RemoveRecipientMention()
    {
        foreach (var mention in Entities?.Where(e => e.Type == "mention") ?? [])
        {
            if (mention.Properties is { } p && p.TryGetValue("mentioned", out var mentioned) && mentioned.ValueKind == JsonValueKind.Object
                && mentioned.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == Recipient?.Id
                && p.TryGetValue("text", out var text) && text.ValueKind == JsonValueKind.String && text.GetString() is { Length: > 0 } at && Text is not null)
            {
                Text = Text.Replace(at, "", StringComparison.Ordinal).Trim();
            }
        }
    }

    /// <summary>Reads a string property of channelData, if present.</summary>
    public string? GetChannelDataString(string name) =>
        ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string Event = "event";
    public const string Invoke = "invoke";
    public const string InvokeResponse = "invokeResponse";
    public const string Typing = "typing";
    public const string EndOfConversation = "endOfConversation";
    public const string InstallationUpdate = "installationUpdate";
    public const string MessageReaction = "messageReaction";
    public const string Trace = "trace";
}

public static class InputHints
{
    public const string AcceptingInput = "acceptingInput";
    public const string ExpectingInput = "expectingInput";
    public const string IgnoringInput = "ignoringInput";
}

public static class DeliveryModes
{
    public const string Normal = "normal";
    public const string ExpectReplies = "expectReplies";
}

public static class RoleTypes
{
    public const string User = "user";
    public const string Bot = "bot";
}
