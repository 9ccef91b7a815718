namespace SupportBot.Dialogs.Support;

/// <summary>What the bot remembers about a customer across conversations.</summary>
public sealed class UserProfile
{
    public string? Name { get; set; }

    public DateTimeOffset? FirstSeen { get; set; }

    /// <summary>The last conversation greeted; a different one means the customer is back.</summary>
    public string? LastConversationId { get; set; }

    public int Conversations { get; set; }
}
