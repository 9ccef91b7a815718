using SupportBot.Dialogs.Schema;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Activities as channels send them, for conversation tests.</summary>
public static class Activities
{
    public static Activity Message(string text, string conversationId, string userId = "user-1", string? userName = "Jane", string channelId = "test", string serviceUrl = "http://127.0.0.1:1/") => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        Text = text,
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = userId, Name = userName },
        Recipient = new ChannelAccount { Id = "bot", Name = "SupportBot" },
        Conversation = new ConversationAccount { Id = conversationId },
    };

    public static Activity MembersAdded(string conversationId, string userId = "user-1", string? userName = "Jane", string channelId = "test", string serviceUrl = "http://127.0.0.1:1/") => new()
    {
        Type = ActivityTypes.ConversationUpdate,
        Id = Guid.NewGuid().ToString("N"),
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = userId, Name = userName },
        Recipient = new ChannelAccount { Id = "bot", Name = "SupportBot" },
        Conversation = new ConversationAccount { Id = conversationId },
        MembersAdded = [new ChannelAccount { Id = "bot" }, new ChannelAccount { Id = userId, Name = userName }],
    };
}
