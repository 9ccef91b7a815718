using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>The first support conversation: learn the customer's name once, ask an open question, reflect the
/// answer back and offer choices, close with the name and thanks.</summary>
public sealed class SupportConversationDialog : ComponentDialog
{
    public const string DialogId = "support";
    public const string MoreDetail = "Add more detail";
    public const string ThatsAll = "That's everything";

    private readonly IStatePropertyAccessor<UserProfile> _profile;

    public SupportConversationDialog(IStatePropertyAccessor<UserProfile> profile) : base(DialogId)
    {
        _profile = profile;
        AddDialog(new WaterfallDialog("support.flow", [AskNameAsync, AskNeedAsync, ReflectAsync, MoreDetailAsync, CloseAsync]));
        AddDialog(new TextPrompt("text"));
        AddDialog(new ChoicePrompt("choice"));
    }

    private async Task<DialogTurnResult> AskNameAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        // A conversation the customer opens with their question keeps it: it is never asked for again.
        if (step.Context.Activity is { Type: ActivityTypes.Message, Text: { Length: > 0 } opening })
        {
            step.Values.Set("opening", opening);
        }
        var profile = await _profile.GetAsync(step.Context, () => new UserProfile(), cancellationToken);
        var name = profile.Name ?? NameFromChannel(step);
        return name is not null
            ? await step.NextAsync(name, cancellationToken)
            : await step.PromptAsync("text", PromptOptions.Of(
                "Hello, I'm the SupportBot assistant. What name would you like me to use?",
                "What name should I call you? Your first name is fine."), cancellationToken);
    }

    private async Task<DialogTurnResult> AskNeedAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        if (step.Result is not string name)
        {
            name = "there";
        }
        var profile = await _profile.GetAsync(step.Context, () => new UserProfile(), cancellationToken);
        profile.Name ??= name == "there" ? null : name;
        profile.FirstSeen ??= DateTimeOffset.UtcNow;
        step.Values.Set("name", name);

        if (step.Values.Get<string>("opening") is { } opening)
        {
            await step.Context.SendActivityAsync($"Hi {name}, welcome!", cancellationToken);
            return await step.NextAsync(opening, cancellationToken);
        }
        return await step.PromptAsync("text", PromptOptions.Of(
            $"Hi {name}, welcome! What can I help you with today?",
            "In a few words, what would you like help with?"), cancellationToken);
    }

    private async Task<DialogTurnResult> ReflectAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        var need = step.Result as string ?? "";
        step.Values.Set("need", need);
        return await step.PromptAsync("choice", PromptOptions.Of(
            $"Thanks for telling me. So this is about “{need}”. How would you like to continue?",
            "You can add more detail or tell me that's everything. Which would you like?",
            [MoreDetail, new Choice(ThatsAll, ["that's all", "nothing else", "done", "no"])]), cancellationToken);
    }

    private async Task<DialogTurnResult> MoreDetailAsync(WaterfallStepContext step, CancellationToken cancellationToken) =>
        step.Result is FoundChoice { Value: MoreDetail }
            ? await step.PromptAsync("text", PromptOptions.Of("Of course. Tell me more, in your own words."), cancellationToken)
            : await step.NextAsync(null, cancellationToken);

    private async Task<DialogTurnResult> CloseAsync(WaterfallStepContext step, CancellationToken cancellationToken)
    {
        if (step.Result is string detail)
        {
            step.Values.Set("detail", detail);
        }
        var name = step.Values.Get<string>("name") ?? "there";
        await step.Context.SendActivityAsync(
            $"Thank you, {name}. I've noted everything you told me. If there's anything else, just write it here.", cancellationToken);
        return await step.EndDialogAsync(null, cancellationToken);
    }

    private static string? NameFromChannel(WaterfallStepContext step)
    {
        var name = step.Context.Activity.From?.Name?.Trim();
        return string.IsNullOrEmpty(name) || name.Equals("user", StringComparison.OrdinalIgnoreCase) ? null : name;
    }
}
