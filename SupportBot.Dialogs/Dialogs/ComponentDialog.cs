namespace SupportBot.Dialogs.Dialogs;

/// <summary>A dialog made of dialogs: its own set and its own inner stack, persisted inside its instance.</summary>
public abstract class ComponentDialog(string id) : Dialog(id)
{
    private const string InnerStackKey = "dialogs";
    private readonly DialogSet _dialogs = new();

    public string InitialDialogId { get; protected set; } = "";

    protected ComponentDialog AddDialog(Dialog dialog)
    {
        _dialogs.Add(dialog);
        if (InitialDialogId.Length == 0)
        {
            InitialDialogId = dialog.Id;
        }
        return this;
    }

    public override Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options, CancellationToken cancellationToken) =>
        RunInnerAsync(dc, new DialogState(), inner => inner.BeginDialogAsync(InitialDialogId, options, cancellationToken), cancellationToken);

    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken) =>
        RunInnerAsync(dc, LoadInner(dc.ActiveDialog!), inner => inner.ContinueDialogAsync(cancellationToken), cancellationToken);

    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result, CancellationToken cancellationToken)
    {
        await RepromptDialogAsync(dc.Context, dc.ActiveDialog!, cancellationToken);
        return EndOfTurn;
    }

    public override Task RepromptDialogAsync(Turns.ITurnContext context, DialogInstance instance, CancellationToken cancellationToken) =>
        new DialogContext(_dialogs, context, LoadInner(instance)).RepromptDialogAsync(cancellationToken);

    private async Task<DialogTurnResult> RunInnerAsync(DialogContext outer, DialogState innerState, Func<DialogContext, Task<DialogTurnResult>> run, CancellationToken cancellationToken)
    {
        var instance = outer.ActiveDialog!;
        var inner = new DialogContext(_dialogs, outer.Context, innerState, outer);
        var result = await run(inner);
        instance.State.Set(InnerStackKey, innerState);
        return result.Status == DialogTurnStatus.Complete
            ? await outer.EndDialogAsync(result.Result, cancellationToken)
            : result;
    }

    private static DialogState LoadInner(DialogInstance instance) =>
        instance.State.Get<DialogState>(InnerStackKey) ?? new DialogState();
}
