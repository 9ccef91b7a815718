using System.Text.Json.Nodes;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

public delegate Task<DialogTurnResult> WaterfallStep(WaterfallStepContext step, CancellationToken cancellationToken);

/// <summary>Runs steps in order; each step's result (a prompt's answer, a child dialog's result) goes to the next.</summary>
public sealed class WaterfallDialog(string id, IEnumerable<WaterfallStep> steps) : Dialog(id)
{
    private const string StepIndexKey = "stepIndex";
    private const string ValuesKey = "values";
    private const string OptionsKey = "options";
    private readonly WaterfallStep[] _steps = steps.ToArray();

    public override Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options, CancellationToken cancellationToken)
    {
        var state = dc.ActiveDialog!.State;
        state[ValuesKey] = new JsonObject();
        state.Set(OptionsKey, options);
        return RunStepAsync(dc, 0, DialogReason.BeginCalled, null, cancellationToken);
    }

    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken) =>
        dc.Context.Activity.Type == ActivityTypes.Message
            ? ResumeDialogAsync(dc, DialogReason.ContinueCalled, dc.Context.Activity.Text, cancellationToken)
            : Task.FromResult(EndOfTurn);

    public override Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result, CancellationToken cancellationToken)
    {
        var index = dc.ActiveDialog!.State.Get<int>(StepIndexKey);
        return RunStepAsync(dc, index + 1, reason, result, cancellationToken);
    }

    internal async Task<DialogTurnResult> RunStepAsync(DialogContext dc, int index, DialogReason reason, object? result, CancellationToken cancellationToken)
    {
        if (index >= _steps.Length)
        {
            return await dc.EndDialogAsync(result, cancellationToken);
        }
        var state = dc.ActiveDialog!.State;
        state.Set(StepIndexKey, index);
        var values = state[ValuesKey] as JsonObject ?? [];
        state[ValuesKey] = values;
        var step = new WaterfallStepContext(this, dc, index, reason, state[OptionsKey], values, result);
        return await _steps[index](step, cancellationToken);
    }
}

/// <summary>What a waterfall step sees: the previous step's result, the waterfall's values, and the dialog stack.</summary>
public sealed class WaterfallStepContext : DialogContext
{
    private readonly WaterfallDialog _parent;
    private readonly DialogContext _dc;
    private bool _nextCalled;

    internal WaterfallStepContext(WaterfallDialog parent, DialogContext dc, int index, DialogReason reason, JsonNode? options, JsonObject values, object? result)
        : base(dc)
    {
        _parent = parent;
        _dc = dc;
        Index = index;
        Reason = reason;
        Options = options;
        Values = values;
        Result = result;
    }

    public int Index { get; }

    public DialogReason Reason { get; }

    public JsonNode? Options { get; }

    /// <summary>Values the steps share, persisted with the dialog.</summary>
    public JsonObject Values { get; }

    public object? Result { get; }

    /// <summary>Skips to the next step with <paramref name="result"/>.</summary>
    public Task<DialogTurnResult> NextAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        if (_nextCalled)
        {
            throw new InvalidOperationException($"NextAsync was called twice in step {Index} of '{_parent.Id}'.");
        }
        _nextCalled = true;
        return _parent.RunStepAsync(_dc, Index + 1, DialogReason.NextCalled, result, cancellationToken);
    }
}
