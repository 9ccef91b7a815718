using System.Net.Http.Headers;
using System.Net.Http.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Channels.Connector;

/// <summary>Sends the bot's replies to the channel through the Bot Connector REST API at the activity's serviceUrl.</summary>
public sealed class ConnectorClient(HttpClient http, BotTokenProvider tokens)
{
    public async Task SendAsync(Activity reply, CancellationToken cancellationToken)
    {
        var serviceUrl = reply.ServiceUrl ?? throw new InvalidOperationException("The reply has no serviceUrl.");
        var conversationId = reply.Conversation?.Id ?? throw new InvalidOperationException("The reply has no conversation.id.");
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities";
        if (reply.ReplyToId is { } replyTo)
        {
            path += "/" + Uri.EscapeDataString(replyTo);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(serviceUrl.TrimEnd('/') + "/"), path))
        {
            Content = JsonContent.Create(reply, options: BotJson.Options),
        };
        if (await tokens.GetTokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The Bot Connector at {serviceUrl} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }
}
