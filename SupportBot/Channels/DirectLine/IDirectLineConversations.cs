namespace SupportBot.Channels.DirectLine;

/// <summary>The Direct Line conversations this bot has started, so a reconnect or reload finds them again (on any
/// instance, with the Blob provider).</summary>
public interface IDirectLineConversations
{
    static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Records the conversation; answers true when it is new.</summary>
    Task<bool> StartAsync(string conversationId, string? userId, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken);
}
