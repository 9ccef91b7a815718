using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Channels.Teams;

/// <summary>First in the pipeline: Teams traffic from a tenant outside <c>Teams:AllowedTenants</c> gets one short, polite
/// answer to a message and nothing else: no state, no transcript, no dialog.</summary>
public sealed class TeamsTenantGuard(TeamsOptions options, ILogger<TeamsTenantGuard> logger) : Dialogs.Turns.IMiddleware
{
    public const string NotAvailableText = "Sorry, this support assistant isn't offered to your organisation. Please ask your IT administrator if you need it.";

    public async Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        if (!activity.IsTeams() || options.Allows(activity.TenantId()))
        {
            await next(cancellationToken);
            return;
        }
        logger.LogWarning("Refused Teams {Type} from tenant {Tenant} (not in Teams:AllowedTenants), conversation {ConversationId}",
            activity.Type, activity.TenantId() ?? "(none)", activity.Conversation?.Id);
        // Only where the customer spoke to the bot: a personal chat, or a message that @mentions it.
        if (activity.Type == ActivityTypes.Message && (activity.Conversation?.ConversationType is null or "personal" || activity.MentionsRecipient()))
        {
            await context.SendActivityAsync(activity.CreateReply(NotAvailableText), cancellationToken);
        }
    }
}
