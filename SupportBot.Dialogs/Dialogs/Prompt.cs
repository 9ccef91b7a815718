using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Dialogs;

public sealed record PromptRecognizerResult<T>(bool Succeeded, T? Value)
{
    public static readonly PromptRecognizerResult<T> Failed = new(false, default);
}

/// <summary>Optional extra check on a recognised answer; false asks again (counting an attempt).</summary>
public delegate Task<bool> PromptValidator<T>(ITurnContext context, T value, CancellationToken cancellationToken);

/// <summary>Asks, recognises the answer, asks again on a miss, and stops after a bounded number of attempts with
/// <see cref="PromptExhausted"/> so the caller can offer choices instead of looping.</summary>
public abstract class Prompt<T>(string id, PromptValidator<T>? validator = null) : Dialog(id)
{
    private const string OptionsKey = "options";
    private const string AttemptsKey = "attempts";

    public int MaxAttempts { get; init; } = 3;

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options, CancellationToken cancellationToken)
    {
        var promptOptions = options as PromptOptions ?? throw new ArgumentException($"Prompt '{Id}' needs PromptOptions.", nameof(options));
        var state = dc.ActiveDialog!.State;
        state.Set(OptionsKey, promptOptions);
        state.Set(AttemptsKey, 0);
        await OnPromptAsync(dc.Context, promptOptions, isRetry: false, cancellationToken);
        return EndOfTurn;
    }

    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken)
    {
        if (dc.Context.Activity.Type != ActivityTypes.Message)
        {
            return EndOfTurn;
        }
        var state = dc.ActiveDialog!.State;
        var options = state.Get<PromptOptions>(OptionsKey)!;
        var attempts = state.Get<int>(AttemptsKey) + 1;
        state.Set(AttemptsKey, attempts);

        var recognized = await OnRecognizeAsync(dc.Context, options, cancellationToken);
        if (recognized.Succeeded && (validator is null || await validator(dc.Context, recognized.Value!, cancellationToken)))
        {
            return await dc.EndDialogAsync(recognized.Value, cancellationToken);
        }
        if (attempts >= (options.MaxAttempts ?? MaxAttempts))
        {
            return await dc.EndDialogAsync(new PromptExhausted(attempts, dc.Context.Activity.Text), cancellationToken);
        }
        await OnPromptAsync(dc.Context, options, isRetry: true, cancellationToken);
        return EndOfTurn;
    }

    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result, CancellationToken cancellationToken)
    {
        await RepromptDialogAsync(dc.Context, dc.ActiveDialog!, cancellationToken);
        return EndOfTurn;
    }

    public override Task RepromptDialogAsync(ITurnContext context, DialogInstance instance, CancellationToken cancellationToken) =>
        OnPromptAsync(context, instance.State.Get<PromptOptions>(OptionsKey)!, isRetry: false, cancellationToken);

    protected abstract Task OnPromptAsync(ITurnContext context, PromptOptions options, bool isRetry, CancellationToken cancellationToken);

    protected abstract Task<PromptRecognizerResult<T>> OnRecognizeAsync(ITurnContext context, PromptOptions options, CancellationToken cancellationToken);

    /// <summary>The prompt (or retry prompt) as a reply to the current activity.</summary>
    protected static Activity PromptActivity(ITurnContext context, PromptOptions options, bool isRetry)
    {
        var template = (isRetry ? options.RetryPrompt : null) ?? options.Prompt;
        var reply = context.Activity.CreateReply(template?.Text);
        reply.InputHint = InputHints.ExpectingInput;
        // Lists of the reply's own: the template belongs to the dialog's state, which outlives the reply.
        reply.SuggestedActions = template?.SuggestedActions is { } suggested
            ? new SuggestedActions { To = suggested.To?.ToList(), Actions = [.. suggested.Actions] }
            : null;
        reply.Attachments = template?.Attachments?.ToList();
        reply.Speak = template?.Speak;
        return reply;
    }
}

/// <summary>Asks an open question; any non-empty text is an answer.</summary>
public sealed class TextPrompt(string id, PromptValidator<string>? validator = null) : Prompt<string>(id, validator)
{
    protected override Task OnPromptAsync(ITurnContext context, PromptOptions options, bool isRetry, CancellationToken cancellationToken) =>
        context.SendActivityAsync(PromptActivity(context, options, isRetry), cancellationToken);

    protected override Task<PromptRecognizerResult<string>> OnRecognizeAsync(ITurnContext context, PromptOptions options, CancellationToken cancellationToken)
    {
        var text = context.Activity.Text?.Trim();
        return Task.FromResult(string.IsNullOrEmpty(text) ? PromptRecognizerResult<string>.Failed : new PromptRecognizerResult<string>(true, text));
    }
}

/// <summary>Offers choices rendered for the channel and recognises typed or tapped answers.</summary>
public sealed class ChoicePrompt(string id, PromptValidator<FoundChoice>? validator = null) : Prompt<FoundChoice>(id, validator)
{
    protected override Task OnPromptAsync(ITurnContext context, PromptOptions options, bool isRetry, CancellationToken cancellationToken) =>
        context.SendActivityAsync(ChoiceFactory.ForChannel(context.Activity, PromptActivity(context, options, isRetry), options.Choices ?? []), cancellationToken);

    protected override Task<PromptRecognizerResult<FoundChoice>> OnRecognizeAsync(ITurnContext context, PromptOptions options, CancellationToken cancellationToken)
    {
        var found = ChoiceRecognizer.Recognize(context.Activity, options.Choices ?? []);
        return Task.FromResult(found is null ? PromptRecognizerResult<FoundChoice>.Failed : new PromptRecognizerResult<FoundChoice>(true, found));
    }
}

/// <summary>Asks a yes/no question with Yes and No choices.</summary>
public sealed class ConfirmPrompt(string id, PromptValidator<bool>? validator = null) : Prompt<bool>(id, validator)
{
    public static readonly IReadOnlyList<Choice> YesNo = [new("Yes"), new("No")];

    protected override Task OnPromptAsync(ITurnContext context, PromptOptions options, bool isRetry, CancellationToken cancellationToken) =>
        context.SendActivityAsync(ChoiceFactory.ForChannel(context.Activity, PromptActivity(context, options, isRetry), options.Choices ?? YesNo), cancellationToken);

    protected override Task<PromptRecognizerResult<bool>> OnRecognizeAsync(ITurnContext context, PromptOptions options, CancellationToken cancellationToken)
    {
        var answer = ConfirmRecognizer.Recognize(context.Activity);
        return Task.FromResult(answer is null ? PromptRecognizerResult<bool>.Failed : new PromptRecognizerResult<bool>(true, answer.Value));
    }
}
