using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

public sealed class PromptOptions
{
    public Activity? Prompt { get; set; }

    public Activity? RetryPrompt { get; set; }

    public List<Choice>? Choices { get; set; }

    /// <summary>Answers tried before the prompt gives up with <see cref="PromptExhausted"/>; the prompt's default when null.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Asks once: an answer that is not one of the choices ends the prompt with <see cref="PromptExhausted"/>
    /// carrying the customer's words, so the caller can hear them instead of asking again.</summary>
    public PromptOptions AskOnce()
    {
        MaxAttempts = 1;
        return this;
    }

    public static PromptOptions Of(string text, string? retry = null, IEnumerable<Choice>? choices = null) => new()
    {
        Prompt = new Activity { Type = ActivityTypes.Message, Text = text, InputHint = InputHints.ExpectingInput },
        RetryPrompt = retry is null ? null : new Activity { Type = ActivityTypes.Message, Text = retry, InputHint = InputHints.ExpectingInput },
        Choices = choices?.ToList(),
    };
}

/// <summary>The result of a prompt that ran out of attempts: the caller offers choices instead of asking again.</summary>
public sealed record PromptExhausted(int Attempts, string? LastInput);
