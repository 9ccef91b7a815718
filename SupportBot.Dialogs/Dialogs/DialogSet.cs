using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Dialogs;

public sealed class DialogSet(IStatePropertyAccessor<DialogState>? dialogState = null)
{
    private readonly Dictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);

    public DialogSet Add(Dialog dialog)
    {
        if (!_dialogs.TryAdd(dialog.Id, dialog))
        {
            throw new ArgumentException($"A dialog with id '{dialog.Id}' is already in the set.", nameof(dialog));
        }
        return this;
    }

    public Dialog? Find(string id) => _dialogs.GetValueOrDefault(id);

    public async Task<DialogContext> CreateContextAsync(ITurnContext context, CancellationToken cancellationToken = default)
    {
        var accessor = dialogState ?? throw new InvalidOperationException("This DialogSet was created without a state accessor.");
        var state = await accessor.GetAsync(context, () => new DialogState(), cancellationToken);
        return new DialogContext(this, context, state);
    }
}

public static class DialogExtensions
{
    /// <summary>Continues the active dialog of the conversation, or starts <paramref name="dialog"/> when none is active.</summary>
    public static async Task<DialogTurnResult> RunAsync(this Dialog dialog, ITurnContext context, IStatePropertyAccessor<DialogState> accessor, CancellationToken cancellationToken)
    {
        var dc = await new DialogSet(accessor).Add(dialog).CreateContextAsync(context, cancellationToken);
        var result = await dc.ContinueDialogAsync(cancellationToken);
        return result.Status == DialogTurnStatus.Empty
            ? await dc.BeginDialogAsync(dialog.Id, null, cancellationToken)
            : result;
    }
}
