using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>The dialog stack of one turn and the operations on it.</summary>
public class DialogContext
{
    public DialogContext(DialogSet dialogs, ITurnContext context, DialogState state, DialogContext? parent = null)
    {
        Dialogs = dialogs;
        Context = context;
        Stack = state.DialogStack;
        Parent = parent;
    }

    protected DialogContext(DialogContext inner)
        : this(inner.Dialogs, inner.Context, new DialogState { DialogStack = inner.Stack }, inner.Parent)
    {
    }

    public DialogSet Dialogs { get; }

    public ITurnContext Context { get; }

    public DialogContext? Parent { get; }

    public List<DialogInstance> Stack { get; }

    public DialogInstance? ActiveDialog => Stack.Count > 0 ? Stack[0] : null;

    public async Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        var dialog = FindDialog(dialogId)
            ?? throw new InvalidOperationException($"Dialog '{dialogId}' is not in the dialog set.");
        Stack.Insert(0, new DialogInstance { Id = dialogId });
        return await dialog.BeginDialogAsync(this, options, cancellationToken);
    }

    public Task<DialogTurnResult> PromptAsync(string dialogId, PromptOptions options, CancellationToken cancellationToken = default) =>
        BeginDialogAsync(dialogId, options, cancellationToken);

    public async Task<DialogTurnResult> ContinueDialogAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is not { } active)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }
        return await RequireDialog(active.Id).ContinueDialogAsync(this, cancellationToken);
    }

    public async Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.EndCalled, cancellationToken);
        if (ActiveDialog is { } parent)
        {
            return await RequireDialog(parent.Id).ResumeDialogAsync(this, DialogReason.EndCalled, result, cancellationToken);
        }
        return new DialogTurnResult(DialogTurnStatus.Complete, result);
    }

    public async Task<DialogTurnResult> ReplaceDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.ReplaceCalled, cancellationToken);
        return await BeginDialogAsync(dialogId, options, cancellationToken);
    }

    public async Task<DialogTurnResult> CancelAllDialogsAsync(CancellationToken cancellationToken = default)
    {
        if (Stack.Count == 0)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }
        while (Stack.Count > 0)
        {
            await PopAsync(DialogReason.CancelCalled, cancellationToken);
        }
        return new DialogTurnResult(DialogTurnStatus.Cancelled);
    }

    public Task RepromptDialogAsync(CancellationToken cancellationToken = default) =>
        ActiveDialog is { } active
            ? RequireDialog(active.Id).RepromptDialogAsync(Context, active, cancellationToken)
            : Task.CompletedTask;

    private async Task PopAsync(DialogReason reason, CancellationToken cancellationToken)
    {
        if (ActiveDialog is not { } active)
        {
            return;
        }
        if (FindDialog(active.Id) is { } dialog)
        {
            await dialog.EndDialogAsync(Context, active, reason, cancellationToken);
        }
        Stack.RemoveAt(0);
    }

    private Dialog? FindDialog(string id) => Dialogs.Find(id) ?? Parent?.FindDialog(id);

    private Dialog RequireDialog(string id) => FindDialog(id)
        ?? throw new InvalidOperationException($"The stored dialog stack names '{id}', which is not in the dialog set.");
}
