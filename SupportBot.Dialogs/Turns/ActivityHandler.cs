using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Turns;

/// <summary>Dispatches a turn by activity type, as Bot Builder's ActivityHandler does.</summary>
public abstract class ActivityHandler : IBot
{
    public virtual Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken) => context.Activity.Type switch
    {
        ActivityTypes.Message => OnMessageActivityAsync(context, cancellationToken),
        ActivityTypes.ConversationUpdate => OnConversationUpdateActivityAsync(context, cancellationToken),
        ActivityTypes.Event => OnEventActivityAsync(context, cancellationToken),
        ActivityTypes.Invoke => OnInvokeActivityAsync(context, cancellationToken),
        ActivityTypes.InstallationUpdate => OnInstallationUpdateActivityAsync(context, cancellationToken),
        _ => Task.CompletedTask,
    };

    protected virtual Task OnMessageActivityAsync(ITurnContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task OnConversationUpdateActivityAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var added = context.Activity.MembersAdded;
        var botId = context.Activity.Recipient?.Id;
        return added is { Count: > 0 } && added.Any(m => m.Id != botId)
            ? OnMembersAddedAsync(added.Where(m => m.Id != botId).ToList(), context, cancellationToken)
            : Task.CompletedTask;
    }

    protected virtual Task OnMembersAddedAsync(IReadOnlyList<ChannelAccount> membersAdded, ITurnContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task OnEventActivityAsync(ITurnContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task OnInstallationUpdateActivityAsync(ITurnContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An invoke nobody handles answers 501, as the Bot Framework specifies.</summary>
    protected virtual Task OnInvokeActivityAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        context.TurnState[InvokeResponse.TurnStateKey] = new InvokeResponse(501, null);
        return Task.CompletedTask;
    }
}

/// <summary>The HTTP status and body an invoke answers with.</summary>
public sealed record InvokeResponse(int Status, object? Body)
{
    public const string TurnStateKey = "SupportBot.InvokeResponse";
}
