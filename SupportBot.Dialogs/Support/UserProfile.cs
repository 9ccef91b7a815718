namespace SupportBot.Dialogs.Support;

/// <summary>What the bot remembers about a customer across conversations.</summary>
public sealed class UserProfile
{
    public string? Name { get; set; }

    public DateTimeOffset? FirstSeen { get; set; }
}

/// <summary>What the bot remembers about one conversation beyond its dialog stack.</summary>
public sealed class ConversationFlags
{
    public bool Greeted { get; set; }
}
