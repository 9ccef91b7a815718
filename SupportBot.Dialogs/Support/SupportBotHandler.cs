using System.Text.Json;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>The bot: loads state once, runs the support dialog, stores state once.</summary>
public sealed class SupportBotHandler : ActivityHandler
{
    public const string JoinEventName = "webchat/join";

    private readonly BotStateSet _state;
    private readonly IStatePropertyAccessor<DialogState> _dialogState;
    private readonly IStatePropertyAccessor<ConversationFlags> _flags;
    private readonly IStatePropertyAccessor<UserProfile> _profile;
    private readonly Dialog _dialog;

    public SupportBotHandler(ConversationState conversationState, UserState userState)
    {
        _state = new BotStateSet(conversationState, userState);
        _dialogState = conversationState.CreateProperty<DialogState>("dialogState");
        _flags = conversationState.CreateProperty<ConversationFlags>("flags");
        _profile = userState.CreateProperty<UserProfile>("profile");
        _dialog = new SupportConversationDialog(_profile);
    }

    public override async Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        await _state.LoadAllAsync(context, cancellationToken);
        await base.OnTurnAsync(context, cancellationToken);
        await _state.SaveAllChangesAsync(context, cancellationToken);
    }

    protected override Task OnMessageActivityAsync(ITurnContext context, CancellationToken cancellationToken) =>
        _dialog.RunAsync(context, _dialogState, cancellationToken);

    /// <summary>Web Chat announces itself with a join event; other channels add the customer as a member.</summary>
    protected override Task OnEventActivityAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        if (context.Activity.Name != JoinEventName)
        {
            return Task.CompletedTask;
        }
        if (context.Activity.Value is { ValueKind: JsonValueKind.Object } value
            && value.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && context.Activity.From is { } from && string.IsNullOrWhiteSpace(from.Name))
        {
            from.Name = name.GetString();
        }
        return GreetOnceAsync(context, cancellationToken);
    }

    protected override Task OnMembersAddedAsync(IReadOnlyList<ChannelAccount> membersAdded, ITurnContext context, CancellationToken cancellationToken) =>
        context.Activity.ChannelId is ChannelIds.WebChat or ChannelIds.DirectLine
            ? Task.CompletedTask // the join event greets there; greeting here too would welcome twice
            : GreetOnceAsync(context, cancellationToken);

    private async Task GreetOnceAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var flags = await _flags.GetAsync(context, () => new ConversationFlags(), cancellationToken);
        if (flags.Greeted)
        {
            return;
        }
        flags.Greeted = true;
        await _dialog.RunAsync(context, _dialogState, cancellationToken);
    }
}
