using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>Shows how a message was understood, for the Emulator and when inspection is on.</summary>
public static class RecognizerTrace
{
    public const string InspectionKey = "SupportBot.Inspection";
    public const string ValueType = "https://supportbot.dev/schemas/recognizerResult";

    public static async Task SendAsync(ITurnContext context, Understanding understanding, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken)
    {
        if (context.Activity.ChannelId != ChannelIds.Emulator && !context.TurnState.ContainsKey(InspectionKey))
        {
            return;
        }
        var trace = context.Activity.CreateReply();
        trace.Type = ActivityTypes.Trace;
        trace.Name = "Recognizer";
        trace.Label = "Recognizer result";
        trace.ValueType = ValueType;
        trace.Value = System.Text.Json.JsonSerializer.SerializeToElement(new
        {
            text = understanding.Text,
            confidence = understanding.Confidence.ToString(),
            intents = understanding.TopIntents.Select(i => new { intent = i.Intent, score = Math.Round(i.Score, 4) }),
            details,
        }, BotJson.Options);
        await context.SendActivityAsync(trace, cancellationToken);
    }
}
