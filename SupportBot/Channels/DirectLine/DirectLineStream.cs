using System.Net.WebSockets;
using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>The WebSocket stream of a conversation: everything after the client's watermark, then each activity as
/// it is stored, in transcript order and once each, with empty keep-alive frames in between.</summary>
public static class DirectLineStream
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task AcceptAsync(string conversationId, string? watermark, string? t, HttpContext http, DirectLineTokens tokens,
        IDirectLineConversations conversations, ITranscriptStore transcripts, TranscriptFeed feed)
    {
        var cancellationToken = http.RequestAborted;
        var access = await DirectLineAuth.AuthorizeAsync(http.Request, conversationId, tokens, conversations, cancellationToken, streamToken: t);
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
        var last = watermark ?? "";
        if (!transcripts.IsWatermark(last))
        {
            await ApiErrors.BadRequest($"The watermark '{watermark}' is not one this server issued.").ExecuteAsync(http);
            return;
        }

        // The feed only says "something was stored": what to send always comes from the transcript store after the
        // last watermark sent, so activities committed in any order by concurrent turns are sent once each, in order
        // (on Blob, one stored late under an earlier name comes when it is seen: see BlobTranscriptStore.Lookback).
        using var subscription = feed.Subscribe(conversationId);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var drain = DrainAsync(socket, closed);
        try
        {
            while (!closed.IsCancellationRequested)
            {
                for (var page = await transcripts.GetActivitiesAsync(conversationId, last, DirectLineApi.PageSize, closed.Token); page.Count > 0;
                     page = await transcripts.GetActivitiesAsync(conversationId, last, DirectLineApi.PageSize, closed.Token))
                {
                    await SendAsync(socket, ActivitySet.Of(page, last), closed.Token);
                    last = page[^1].Watermark;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(closed.Token);
                wait.CancelAfter(KeepAlive);
                try
                {
                    await subscription.Reader.WaitToReadAsync(wait.Token);
                    while (subscription.Reader.TryRead(out _))
                    {
                    }
                }
                catch (OperationCanceledException) when (!closed.IsCancellationRequested)
                {
                    await SendRawAsync(socket, [], closed.Token); // keep-alive
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // the client went away; it reconnects with its watermark and misses nothing
        }
        finally
        {
            await closed.CancelAsync();
            await drain;
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
