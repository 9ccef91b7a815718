using SupportBot.Dialogs.Schema;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Activities as channels send them, for conversation tests.</summary>
public static class Activities
{
    public static Activity Message(string text, string conversationId, string? userId = null, string? userName = "Jane", string channelId = "test", string serviceUrl = "http://127.0.0.1:1/") => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        Text = text,
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = userId ?? UserOf(conversationId), Name = userName },
        Recipient = new ChannelAccount { Id = "bot", Name = "SupportBot" },
        Conversation = new ConversationAccount { Id = conversationId },
    };

    public static Activity MembersAdded(string conversationId, string? userId = null, string? userName = "Jane", string channelId = "test", string serviceUrl = "http://127.0.0.1:1/") => new()
    {
        Type = ActivityTypes.ConversationUpdate,
        Id = Guid.NewGuid().ToString("N"),
        ChannelId = channelId,
        ServiceUrl = serviceUrl,
        From = new ChannelAccount { Id = userId ?? UserOf(conversationId), Name = userName },
        Recipient = new ChannelAccount { Id = "bot", Name = "SupportBot" },
        Conversation = new ConversationAccount { Id = conversationId },
        MembersAdded = [new ChannelAccount { Id = "bot" }, new ChannelAccount { Id = userId ?? UserOf(conversationId), Name = userName }],
    };

    /// <summary>Each test conversation has its own customer unless a test says otherwise, so nobody is "returning" by accident.</summary>
    public static string UserOf(string conversationId) => "user-" + conversationId;
}
