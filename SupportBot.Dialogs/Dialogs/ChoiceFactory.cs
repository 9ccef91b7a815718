using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Renders choices the way each channel shows them best. Every place that offers choices goes through here.</summary>
public static class ChoiceFactory
{
    /// <summary>Teams shows suggested actions only in personal chat, imBack only, three at most.</summary>
    public const int TeamsMaxSuggestedActions = 3;

    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>The Adaptive Card version Teams renders on desktop, web and mobile.</summary>
    public const string AdaptiveCardVersion = "1.5";

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

        if (incoming.IsTeams())
        {
            // Teams ignores imBack on cards (and the Agents Playground warns about it): an Adaptive Card whose
            // Action.Submit buttons come back as a message with no text and value {choice}, which recognisers read.
            prompt.Attachments = [AdaptiveCard(prompt.Text, choices)];
            prompt.Summary ??= prompt.Text; // what notifications and the chat list show
            prompt.Text = null;
            return prompt;
        }

        var card = new HeroCard
        {
            Text = prompt.Text,
            Buttons = choices.Select(c => new CardAction { Type = ActionTypes.ImBack, Title = c.Value, Value = JsonSerializer.SerializeToElement(c.Value) }).ToList(),
        };
        prompt.Text = null;
        prompt.Attachments = [card.ToAttachment()];
        return prompt;
    }

    /// <summary>A TextBlock with the prompt and one Action.Submit per choice, sending <c>{"choice": value}</c>.</summary>
    public static Attachment AdaptiveCard(string? text, IReadOnlyList<Choice> choices)
    {
        var body = new JsonArray();
        if (!string.IsNullOrEmpty(text))
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true });
        }
        var actions = new JsonArray(choices.Select(c => (JsonNode)new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = c.Value,
            ["data"] = new JsonObject { ["choice"] = c.Value },
        }).ToArray());
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = AdaptiveCardVersion,
            ["body"] = body,
            ["actions"] = actions,
        };
        return new Attachment { ContentType = AdaptiveCardContentType, Content = JsonSerializer.SerializeToElement(card) };
    }

    /// <summary>The titles of the choices a reply offers, however they were rendered (suggested actions, Hero or Adaptive Card).</summary>
    public static IReadOnlyList<string> OfferedChoices(Activity reply)
    {
        if (reply.SuggestedActions is { Actions.Count: > 0 } suggested)
        {
            return suggested.Actions.Select(a => a.Title ?? "").ToList();
        }
        List<string> titles = [];
        foreach (var attachment in reply.Attachments ?? [])
        {
            if (attachment.Content is not { ValueKind: JsonValueKind.Object } content)
            {
                continue;
            }
            var key = attachment.ContentType == AdaptiveCardContentType ? "actions" : attachment.ContentType == HeroCard.ContentType ? "buttons" : null;
            if (key is not null && content.TryGetProperty(key, out var buttons) && buttons.ValueKind == JsonValueKind.Array)
            {
                titles.AddRange(buttons.EnumerateArray().Select(b => b.TryGetProperty("title", out var t) ? t.GetString() ?? "" : ""));
            }
        }
        return titles;
    }

    private static bool UsesSuggestedActions(Activity incoming, int count) => incoming.ChannelId switch
    {
        ChannelIds.MsTeams => count <= TeamsMaxSuggestedActions && incoming.IsPersonal(),
        ChannelIds.WebChat or ChannelIds.DirectLine or ChannelIds.Emulator or ChannelIds.Test => true,
        _ => false,
    };
}
