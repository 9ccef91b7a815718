using System.Text.Json;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Renders choices the way each channel shows them best.</summary>
public static class ChoiceFactory
{
    /// <summary>Teams shows suggested actions only in personal chat, imBack only, three at most.</summary>
    public const int TeamsMaxSuggestedActions = 3;

    public static Activity ForChannel(Activity incoming, Activity prompt, IReadOnlyList<Choice> choices)
    {
        if (choices.Count == 0)
        {
            return prompt;
        }
        if (UsesSuggestedActions(incoming, choices.Count))
        {
            prompt.SuggestedActions = new SuggestedActions
            {
                To = incoming.From?.Id is { } userId ? [userId] : null,
                Actions = choices.Select(c => new CardAction { Type = ActionTypes.ImBack, Title = c.Value, Value = JsonSerializer.SerializeToElement(c.Value) }).ToList(),
            };
            return prompt;
        }

        var teams = incoming.ChannelId == ChannelIds.MsTeams;
        var card = new HeroCard
        {
            Text = prompt.Text,
            Buttons = choices.Select(c => teams
                // Teams ignores imBack on cards; messageBack posts the text and shows the title.
                ? new CardAction { Type = ActionTypes.MessageBack, Title = c.Value, Text = c.Value, DisplayText = c.Value, Value = JsonSerializer.SerializeToElement(new { choice = c.Value }) }
                : new CardAction { Type = ActionTypes.ImBack, Title = c.Value, Value = JsonSerializer.SerializeToElement(c.Value) }).ToList(),
        };
        prompt.Text = null;
        prompt.Attachments = [card.ToAttachment()];
        return prompt;
    }

    private static bool UsesSuggestedActions(Activity incoming, int count) => incoming.ChannelId switch
    {
        ChannelIds.MsTeams => count <= TeamsMaxSuggestedActions && IsPersonal(incoming.Conversation),
        ChannelIds.WebChat or ChannelIds.DirectLine or ChannelIds.Emulator or ChannelIds.Test => true,
        _ => false,
    };

    private static bool IsPersonal(ConversationAccount? conversation) =>
        conversation?.ConversationType is null or "personal" && conversation?.IsGroup != true;
}
