using System.Text.Json;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>The bot: loads state once, handles what customers may say at any step (a person, start over, help,
/// frustration), runs the support dialogs, and stores state once.</summary>
public sealed class SupportBotHandler : ActivityHandler
{
    public const string JoinEventName = "webchat/join";

    private readonly BotStateSet _state;
    private readonly IStatePropertyAccessor<DialogState> _dialogState;
    private readonly IStatePropertyAccessor<AnsweredTurn?> _lastTurn;
    private readonly IStoredReplies? _storedReplies; // null without a transcript
    private readonly SupportContext _support;
    private readonly DialogSet _dialogs;

    public SupportBotHandler(ConversationState conversationState, UserState userState, Func<PlaybookRuntime> runtime, IHandoffHub hub, IStoredReplies? storedReplies,
        TimeProvider? clock = null)
    {
        _storedReplies = storedReplies;
        _state = new BotStateSet(conversationState, userState);
        _dialogState = conversationState.CreateProperty<DialogState>("dialogState");
        _lastTurn = conversationState.CreateProperty<AnsweredTurn?>("lastTurn");
        _support = new SupportContext(runtime, conversationState.CreateProperty<SupportCase>("case"), userState.CreateProperty<UserProfile>("profile"), hub, clock ?? TimeProvider.System);
        _dialogs = new DialogSet(_dialogState)
            .Add(SupportDialog.Create(_support))
            .Add(CaseDialog.Create(_support))
            .Add(UnderstandDialog.Create(_support))
            .Add(TopicDialog.Create(_support))
            .Add(DetailsDialog.Create(_support))
            .Add(HandoffDialog.Create(_support))
            .Add(RecoverDialog.Create(_support))
            .Add(WrapUpDialog.Create(_support))
            .Add(LeaveMessageDialog.Create(_support))
            .Add(new TextPrompt(DialogIds.Text))
            .Add(new ChoicePrompt(DialogIds.Choice))
            .Add(new ConfirmPrompt(DialogIds.Confirm));
    }

    public override async Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        if (IsNotForTheBot(context.Activity))
        {
            return;
        }
        await _state.LoadAllAsync(context, cancellationToken);
        var incomingId = context.Activity.Id;
        if (incomingId is not null && await _lastTurn.GetAsync(context, () => null, cancellationToken) is { } last && last.ActivityId == incomingId)
        {
            // A redelivery of the turn already stored (say the server died before the answer went out): change
            // nothing, since running it again would act on it twice. A caller waiting for the replies in the response
            // gets them again from the transcript, with the same ids; through the connector they were sent (or kept as
            // undelivered).
            if (context.Activity.DeliveryMode == DeliveryModes.ExpectReplies)
            {
                var replies = last.ReplyIds is { } ids && _storedReplies is not null
                    ? await _storedReplies.RepliesAsync(context.Activity, ids, cancellationToken)
                    : null;
                if (replies is null)
                {
                    // State stored without all of its transcript (a store that writes them apart failed in between):
                    // the caller hears the question the conversation waits on, if there is one.
                    await (await _dialogs.CreateContextAsync(context, cancellationToken)).RepromptDialogAsync(cancellationToken);
                }
                else
                {
                    foreach (var reply in replies)
                    {
                        await context.SendActivityAsync(reply, cancellationToken);
                    }
                }
            }
            return;
        }
        await base.OnTurnAsync(context, cancellationToken);
        // Direct Line gives every post a new id, so a redelivery there can never match: nothing to remember.
        if (incomingId is not null && context.Activity.ChannelId is not (ChannelIds.WebChat or ChannelIds.DirectLine)
            && context is TurnContext { PendingReplies.Count: > 0 } turn)
        {
            // Stored with the state the turn produced, so both are committed together or not at all. The replies' ids
            // only for a caller that waits for them in the response (others already have them).
            var replyIds = context.Activity.DeliveryMode == DeliveryModes.ExpectReplies ? turn.PendingReplies.Select(r => r.Id!).ToList() : null;
            await _lastTurn.SetAsync(context, new AnsweredTurn(incomingId, replyIds), cancellationToken);
        }
        await _state.SaveAllChangesAsync(context, cancellationToken);
    }

    protected override async Task OnMessageActivityAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        context.Activity.RemoveRecipientMention();
        if (string.IsNullOrWhiteSpace(context.Activity.Text) && context.Activity.SubmittedChoice() is { } submitted)
        {
            // A tapped card button (Adaptive Card Action.Submit) is understood exactly like the same words typed.
            context.Activity.Text = submitted;
        }
        if (context.Activity.IsTeams())
        {
            // Teams install events carry no name; every message carries the Teams profile's.
            var profile = await _support.ProfileAsync(context, cancellationToken);
            profile.Name ??= SupportDialog.NameFromChannel(context.Activity);
        }
        var dc = await _dialogs.CreateContextAsync(context, cancellationToken);
        var text = context.Activity.Text ?? "";
        var supportCase = await _support.CaseAsync(context, cancellationToken);
        var playbook = _support.Playbook;

        if (supportCase.HandedOff is { } phase)
        {
            supportCase.HandedOff = await _support.Hub.PhaseAsync(context, phase, cancellationToken);
        }
        if (supportCase.HandedOff == HandoffPhase.WithAgent)
        {
            return; // the person has the conversation: the transcript carries the customer's words to them
        }
        if (supportCase.HandedOff == HandoffPhase.Waiting && dc.ActiveDialog is null)
        {
            await WhileWaitingAsync(dc, supportCase, text, cancellationToken);
            return;
        }
        if (Interruptions.AsksForPerson(text, playbook))
        {
            if (!Interruptions.IsOnlyAskingForPerson(text, playbook))
            {
                supportCase.CustomerSaid.Add(Redactor.Redact(text)); // "my parcel is late, can I talk to someone?": the person reads it
            }
            await dc.CancelAllDialogsAsync(cancellationToken);
            await SettleAsync(dc, await dc.BeginDialogAsync(DialogIds.Handoff, null, cancellationToken), cancellationToken);
            return;
        }
        if (Interruptions.IsStartOver(text))
        {
            await LeaveQueueAsync(context, supportCase, cancellationToken);
            await dc.CancelAllDialogsAsync(cancellationToken);
            await dc.BeginDialogAsync(DialogIds.Case, new CaseOptions(null, _support.Messages.StartOver), cancellationToken);
            return;
        }
        if (Interruptions.IsHelp(text) && dc.ActiveDialog is not null)
        {
            await context.SendActivityAsync(_support.Messages.Help, cancellationToken);
            await dc.RepromptDialogAsync(cancellationToken);
            return;
        }
        if (Interruptions.IsFrustrated(text, playbook))
        {
            supportCase.Frustrated = true;
            supportCase.CustomerSaid.Add(Redactor.Redact(text));
            await LeaveQueueAsync(context, supportCase, cancellationToken);
            await dc.CancelAllDialogsAsync(cancellationToken);
            await SettleAsync(dc, await dc.BeginDialogAsync(DialogIds.Recover, null, cancellationToken), cancellationToken);
            return;
        }

        var result = await dc.ContinueDialogAsync(cancellationToken);
        await SettleAsync(dc, result.Status == DialogTurnStatus.Empty ? await dc.BeginDialogAsync(DialogIds.Support, null, cancellationToken) : result, cancellationToken);
    }

    /// <summary>In the queue the customer can keep waiting, leave a message, or go back to the bot; anything else they
    /// write is kept for the person (it is in the transcript) and they hear where they stand.</summary>
    private async Task WhileWaitingAsync(DialogContext dc, SupportCase supportCase, string text, CancellationToken cancellationToken)
    {
        var labels = _support.Labels;
        if (HandoffDialog.IsLabel(text, labels.LeaveMessage))
        {
            await SettleAsync(dc, await dc.BeginDialogAsync(DialogIds.LeaveMessage, null, cancellationToken), cancellationToken);
            return;
        }
        if (HandoffDialog.IsLabel(text, labels.KeepGoing))
        {
            await LeaveQueueAsync(dc.Context, supportCase, cancellationToken);
            supportCase.StartNew();
            await dc.BeginDialogAsync(DialogIds.Case, new CaseOptions(null, _support.Messages.AnythingElse), cancellationToken);
            return;
        }
        // Asking again re-joins the queue if the place was lost, and never queues twice.
        var status = await _support.Hub.RequestAsync(dc.Context, supportCase.Handoff!, cancellationToken);
        var template = HandoffDialog.IsLabel(text, labels.KeepWaiting) ? _support.Messages.HandoffPosition : _support.Messages.WaitingNoted;
        await HandoffDialog.SayWaitingAsync(_support, dc.Context, template, status, cancellationToken);
    }

    /// <summary>A waiting customer who goes another way (back to the bot, start over) leaves the queue.</summary>
    private async Task LeaveQueueAsync(ITurnContext context, SupportCase supportCase, CancellationToken cancellationToken)
    {
        if (supportCase.HandedOff == HandoffPhase.Waiting)
        {
            await _support.Hub.WithdrawAsync(context, cancellationToken);
            supportCase.HandedOff = null;
        }
    }

    /// <summary>The hub's word on a handoff (<c>handoff.status</c>): a person took it (the bot falls silent), passed it
    /// back to the queue, ended it (the bot resumes and asks how it went), or could not take it (choices remain).</summary>
    private async Task OnHandoffStatusAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var value = context.Activity.Value is { ValueKind: JsonValueKind.Object } v ? v : default;
        string? Field(string name) => value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var supportCase = await _support.CaseAsync(context, cancellationToken);
        var dc = await _dialogs.CreateContextAsync(context, cancellationToken);
        var agent = Field("agent") ?? supportCase.Agent ?? "A person";
        var values = new Dictionary<string, string> { ["agent"] = agent };
        switch (Field("state"))
        {
            case HandoffStates.Accepted when supportCase.HandedOff is not null: // not when the customer went another way meanwhile
                await dc.CancelAllDialogsAsync(cancellationToken);
                supportCase.HandedOff = HandoffPhase.WithAgent;
                supportCase.Agent = agent;
                await context.SendActivityAsync(await _support.RenderAsync(context, _support.Messages.HandoffAccepted, cancellationToken, values), cancellationToken);
                break;
            case HandoffStates.Queued when supportCase.Handoff is not null:
                await dc.CancelAllDialogsAsync(cancellationToken);
                supportCase.HandedOff = HandoffPhase.Waiting;
                var status = await _support.Hub.StatusAsync(context, cancellationToken);
                await HandoffDialog.SayWaitingAsync(_support, context, _support.Messages.HandoffRequeued, status, cancellationToken, agent);
                break;
            case HandoffStates.Completed when supportCase.HandedOff is not null:
                await dc.CancelAllDialogsAsync(cancellationToken);
                supportCase.HandedOff = null;
                await context.SendActivityAsync(await _support.RenderAsync(context, _support.Messages.HandoffEnded, cancellationToken, values), cancellationToken);
                supportCase.StartNew();
                await dc.BeginDialogAsync(DialogIds.WrapUp, null, cancellationToken);
                break;
            case HandoffStates.Failed when supportCase.HandedOff is not null:
                await dc.CancelAllDialogsAsync(cancellationToken);
                supportCase.HandedOff = null;
                await SettleAsync(dc, await dc.BeginDialogAsync(DialogIds.Handoff, new HandoffOptions(Failed: true), cancellationToken), cancellationToken);
                break;
        }
    }

    /// <summary>A dialog started outside a case (a person was asked for, the customer was frustrated) can end
    /// wanting to carry on: the customer then gets a new case, never silence.</summary>
    private static async Task SettleAsync(DialogContext dc, DialogTurnResult result, CancellationToken cancellationToken)
    {
        if (result is { Status: DialogTurnStatus.Complete, Result: Restate restate })
        {
            await dc.BeginDialogAsync(DialogIds.Case, new CaseOptions(restate.Text, restate.Ask), cancellationToken);
        }
    }

    /// <summary>Web Chat announces itself with a join event; other channels add the customer as a member.</summary>
    protected override async Task OnEventActivityAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        if (context.Activity.Name == HandoffStates.EventName)
        {
            await OnHandoffStatusAsync(context, cancellationToken);
            return;
        }
        if (context.Activity.Name != JoinEventName)
        {
            return;
        }
        if (context.Activity.Value is { ValueKind: JsonValueKind.Object } value)
        {
            if (value.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && context.Activity.From is { } from && string.IsNullOrWhiteSpace(from.Name))
            {
                from.Name = name.GetString();
            }
        }
        await GreetOnceAsync(context, cancellationToken);
    }

    /// <summary>A Teams personal install names the bot, the customer, or both in membersAdded; any of them means installed.</summary>
    protected override Task OnConversationUpdateActivityAsync(ITurnContext context, CancellationToken cancellationToken) =>
        context.Activity.IsTeams() && context.Activity.IsPersonal() && context.Activity.MembersAdded is { Count: > 0 }
            ? GreetOnceAsync(context, cancellationToken)
            : base.OnConversationUpdateActivityAsync(context, cancellationToken);

    protected override Task OnMembersAddedAsync(IReadOnlyList<ChannelAccount> membersAdded, ITurnContext context, CancellationToken cancellationToken) =>
        context.Activity.ChannelId is ChannelIds.WebChat or ChannelIds.DirectLine
            ? Task.CompletedTask // the join event greets there; greeting here too would welcome twice
            : context.Activity.IsTeams() && !context.Activity.IsPersonal()
                ? Task.CompletedTask // people joining a team or group chat are not customers asking for help
                : GreetOnceAsync(context, cancellationToken);

    /// <summary>Teams announces a personal install with an installationUpdate as well as a conversationUpdate, in either
    /// order or at once: whichever comes first greets, the other finds the conversation greeted (state is ETag-checked).</summary>
    protected override Task OnInstallationUpdateActivityAsync(ITurnContext context, CancellationToken cancellationToken) =>
        context.Activity.Action == "add" && context.Activity.IsPersonal()
            ? GreetOnceAsync(context, cancellationToken)
            : Task.CompletedTask;

    /// <summary>In Teams group chats and channels the bot answers only when @mentioned, or when one of its card buttons
    /// was tapped (an Action.Submit carries a value and no mention).</summary>
    private static bool IsNotForTheBot(Activity activity) =>
        activity.Type == ActivityTypes.Message && activity.IsTeams() && !activity.IsPersonal()
        && !activity.MentionsRecipient() && activity.SubmittedChoice() is null;

    private async Task GreetOnceAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var supportCase = await _support.CaseAsync(context, cancellationToken);
        var dc = await _dialogs.CreateContextAsync(context, cancellationToken);
        if (supportCase.Greeted || dc.ActiveDialog is not null)
        {
            return;
        }
        await dc.BeginDialogAsync(DialogIds.Support, null, cancellationToken);
    }
}

/// <summary>The last activity the bot answered in a conversation and, when its caller took the replies in the response
/// (expectReplies), their ids: the transcript holds the replies themselves.</summary>
public sealed record AnsweredTurn(string ActivityId, List<string>? ReplyIds);
