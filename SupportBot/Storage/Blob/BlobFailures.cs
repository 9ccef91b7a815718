using Azure;
using SupportBot.Dialogs.State;

namespace SupportBot.Storage.Blob;

/// <summary>What a failed Blob request means for a turn. The Azure client reports an unreachable account in several
/// ways (a RequestFailedException with status 0, an AggregateException once its retries are spent, a timeout as a
/// cancellation nobody asked for); all of them are the same outage to the bot, which apologises with choices.</summary>
internal static class BlobFailures
{
    /// <summary>412 (If-Match failed), 409 (If-None-Match * on an existing blob) and a missing blob on a conditional
    /// write (deleted since it was read) all mean another writer came first. A missing container is not one.</summary>
    public static bool IsConflict(RequestFailedException e) =>
        e.Status is 409 or 412 || (e.Status == 404 && e.ErrorCode == "BlobNotFound");

    public static bool IsOutage(Exception e, CancellationToken cancellationToken) =>
        e is RequestFailedException or AggregateException or HttpRequestException or IOException or TimeoutException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static StorageUnavailableException Unavailable(string what, Exception e) =>
        new($"{what} failed: {(e as RequestFailedException)?.ErrorCode ?? e.GetType().Name}: {FirstLine(e.Message)}", e);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
