using SupportBot.Dialogs.Schema;

namespace SupportBot.Storage;

/// <summary>A stored activity and the Direct Line watermark that continues after it.</summary>
public sealed record TranscriptEntry(string Watermark, Activity Activity);

/// <summary>The transcript as the self-hosted Direct Line reads it: a conversation's web chat activities in the order
/// they were stored, from a watermark on. Each transcript store issues its own kind of watermark (a row number in
/// SQLite, a blob name on Azure Blob); the Direct Line treats it as opaque.</summary>
public interface IDirectLineFeed
{
    /// <summary>False for a watermark this store could not have issued. The empty watermark is the start.</summary>
    bool IsWatermark(string watermark);

    /// <summary>At most <paramref name="limit"/> activities stored after <paramref name="watermark"/>, oldest first. Only
    /// the web chat channels: nothing another channel stores under the same id reaches a web chat customer.</summary>
    Task<IReadOnlyList<TranscriptEntry>> GetActivitiesAsync(string conversationId, string watermark, int limit, CancellationToken cancellationToken);
}
