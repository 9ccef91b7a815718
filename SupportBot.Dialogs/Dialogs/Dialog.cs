using System.Text.Json.Nodes;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Dialogs;

public enum DialogTurnStatus { Empty, Waiting, Complete, Cancelled }

public enum DialogReason { BeginCalled, ContinueCalled, EndCalled, ReplaceCalled, CancelCalled, NextCalled }

public sealed record DialogTurnResult(DialogTurnStatus Status, object? Result = null);

/// <summary>The persisted dialog stack of a conversation; the active dialog is at index 0, as in Bot Builder.</summary>
public sealed class DialogState
{
    public List<DialogInstance> DialogStack { get; set; } = [];
}

public sealed class DialogInstance
{
    public string Id { get; set; } = "";

    /// <summary>The dialog's own persisted values (plain JSON, so state stays readable and portable).</summary>
    public JsonObject State { get; set; } = [];
}

/// <summary>A unit of conversation that can span turns; its progress lives in a <see cref="DialogInstance"/>.</summary>
public abstract class Dialog(string id)
{
    public static readonly DialogTurnResult EndOfTurn = new(DialogTurnStatus.Waiting);

    public string Id { get; } = id;

    public abstract Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options, CancellationToken cancellationToken);

    public virtual Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken) =>
        dc.EndDialogAsync(null, cancellationToken);

    /// <summary>A dialog this one started has ended with <paramref name="result"/>.</summary>
    public virtual Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result, CancellationToken cancellationToken) =>
        dc.EndDialogAsync(result, cancellationToken);

    public virtual Task RepromptDialogAsync(ITurnContext context, DialogInstance instance, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task EndDialogAsync(ITurnContext context, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
