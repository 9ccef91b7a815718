using SupportBot.Channels;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Storage;

namespace SupportBot.Channels.DirectLine;

/// <summary>Turns a posted activity into a bot turn. The transcript is the conversation's Direct Line feed: the
/// customer's activity is echoed when stored, and the bot's replies reach the stream the same way.</summary>
public sealed class DirectLineTurns(BotAdapter adapter, BotOptions options)
{
    /// <summary>What a web chat client may send; conversation updates, invokes and the like come from the server.</summary>
    private static readonly HashSet<string> ClientTypes = [ActivityTypes.Message, ActivityTypes.Typing, ActivityTypes.Event, ActivityTypes.MessageReaction];

    public async Task<IResult> ProcessAsync(Activity activity, DirectLineGrant grant, string baseUrl, CancellationToken cancellationToken)
    {
        if (!ClientTypes.Contains(activity.Type!))
        {
            return ApiErrors.BadRequest($"A client cannot send '{activity.Type}' activities; send {string.Join(", ", ClientTypes)}.");
        }
        if (activity.Type == ActivityTypes.Event && activity.Name?.StartsWith("handoff.", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Only the hub (or an authenticated channel) may say a person took or ended a conversation.
            return ApiErrors.BadRequest($"A client cannot send '{activity.Name}' events.");
        }
        var from = activity.From ?? new ChannelAccount();
        from.Id = grant.UserId ?? from.Id;
        if (string.IsNullOrWhiteSpace(from.Id))
        {
            return ApiErrors.BadRequest("The activity has no from.id.");
        }
        from.Name = grant.UserName ?? from.Name; // a name the host page put in the token cannot be changed by the client
        from.Role = RoleTypes.User;
        activity.From = from;
        activity.Id = Activity.NewId();
        // Stamped when the turn starts (inside the conversation gate), not on arrival: the transcript is in time order,
        // so a message that waited behind another turn must not be dated before that turn's replies.
        activity.Timestamp = null;
        activity.ChannelId = activity.ChannelId == ChannelIds.WebChat ? ChannelIds.WebChat : ChannelIds.DirectLine;
        activity.Conversation = new ConversationAccount { Id = grant.ConversationId };
        activity.Recipient = new ChannelAccount { Id = options.BotId, Name = options.BotName, Role = RoleTypes.Bot };
        activity.ServiceUrl = baseUrl;
        activity.DeliveryMode = null;

        try
        {
            // The transcript logger already stored the replies, which puts them on the stream: nothing more to deliver.
            await adapter.ProcessAsync(activity, _ => Task.CompletedTask);
        }
        catch (StorageUnavailableException)
        {
            return ApiErrors.Unavailable("The bot could not store this message; please send it again.");
        }
        return Results.Json(new ResourceResponse(activity.Id), BotJson.Options);
    }
}
