using System.Text.Json;
using System.Text.Json.Nodes;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Typed access to a dialog's persisted JSON values.</summary>
public static class JsonObjectExtensions
{
    public static T? Get<T>(this JsonObject state, string key) =>
        state.TryGetPropertyValue(key, out var node) && node is not null ? node.Deserialize<T>(BotJson.Options) : default;

    public static T? Deserialize<T>(this JsonNode? node) =>
        node is null ? default : node.Deserialize<T>(BotJson.Options);

    public static void Set<T>(this JsonObject state, string key, T value) =>
        state[key] = JsonSerializer.SerializeToNode(value, BotJson.Options);
}
