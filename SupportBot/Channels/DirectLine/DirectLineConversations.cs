using System.Text.Json;
using SupportBot.Dialogs.State;

namespace SupportBot.Channels.DirectLine;

/// <summary>The Direct Line conversations this bot has started, so a reconnect or reload finds them again. Kept in the
/// state store, so on Blob every instance knows the conversations any of them started.</summary>
public sealed class DirectLineConversations(IStorage storage)
{
    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The state key; SqliteDatabase moves an older file's conversations to these keys.</summary>
    public static string Key(string conversationId) => "directline/conversations/" + conversationId;

    /// <summary>Records the conversation; answers true when it is new.</summary>
    public async Task<bool> StartAsync(string conversationId, string? userId, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new { userId, created = DateTimeOffset.UtcNow.ToString("O") });
        try
        {
            await storage.WriteAsync(new Dictionary<string, StoreItem> { [Key(conversationId)] = new(json, null) }, cancellationToken);
            return true;
        }
        catch (StorageConflictException)
        {
            return false; // it exists
        }
    }

    public async Task<bool> ExistsAsync(string conversationId, CancellationToken cancellationToken) =>
        (await storage.ReadAsync([Key(conversationId)], cancellationToken)).Count > 0;
}
