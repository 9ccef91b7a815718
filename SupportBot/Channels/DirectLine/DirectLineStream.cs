using System.Net.WebSockets;
using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>The WebSocket stream of a conversation: first everything after the client's watermark, then each
/// activity as it is stored, each exactly once, with empty keep-alive frames in between.</summary>
public static class DirectLineStream
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task AcceptAsync(string conversationId, string? watermark, HttpContext http, DirectLineTokens tokens,
        DirectLineConversations conversations, SqliteTranscriptStore transcripts, TranscriptFeed feed)
    {
        var cancellationToken = http.RequestAborted;
        var access = await DirectLineAuth.AuthorizeAsync(http.Request, conversationId, tokens, conversations, cancellationToken);
        if (access.Error is not null)
        {
            await access.Error.ExecuteAsync(http);
            return;
        }
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ApiErrors.BadRequest("The stream needs a WebSocket upgrade request.").ExecuteAsync(http);
            return;
        }
        if (DirectLineApi.ParseWatermark(watermark) is not { } last)
        {
            await ApiErrors.BadRequest($"The watermark '{watermark}' is not one this server issued.").ExecuteAsync(http);
            return;
        }

        // Subscribe before reading the backlog, so nothing stored in between is missed; sequence numbers drop repeats.
        using var subscription = feed.Subscribe(conversationId);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = DrainAsync(socket, closed);
        try
        {
            for (var backlog = await transcripts.GetActivitiesAsync(conversationId, last, 500, closed.Token); backlog.Count > 0;
                 backlog = await transcripts.GetActivitiesAsync(conversationId, last, 500, closed.Token))
            {
                await SendAsync(socket, ActivitySet.Of(backlog, last), closed.Token);
                last = backlog[^1].Seq;
            }

            while (!closed.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(closed.Token);
                wait.CancelAfter(KeepAlive);
                List<TranscriptEntry> fresh = [];
                try
                {
                    if (await subscription.Reader.WaitToReadAsync(wait.Token))
                    {
                        while (subscription.Reader.TryRead(out var entry))
                        {
                            if (entry.Seq > last)
                            {
                                fresh.Add(entry);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (!closed.IsCancellationRequested)
                {
                    await SendRawAsync(socket, [], closed.Token); // keep-alive
                    continue;
                }
                if (fresh.Count > 0)
                {
                    fresh.Sort((a, b) => a.Seq.CompareTo(b.Seq));
                    await SendAsync(socket, ActivitySet.Of(fresh, last), closed.Token);
                    last = fresh[^1].Seq;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the client went away; it reconnects with its watermark and misses nothing
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // the client vanished without a close handshake
            }
        }
    }

    private static Task SendAsync(WebSocket socket, ActivitySet set, CancellationToken cancellationToken) =>
        SendRawAsync(socket, JsonSerializer.SerializeToUtf8Bytes(set, BotJson.Options), cancellationToken);

    private static async Task SendRawAsync(WebSocket socket, byte[] payload, CancellationToken cancellationToken) =>
        await socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads (and ignores) what the client sends, to notice when it closes.</summary>
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, closed.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        await closed.CancelAsync();
    }
}
