using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Typed access to a dialog's persisted JSON values. A value set in this process is kept as the object it was
/// (serialised only when the state is saved), so a dialog reading it back on the same or the next turn gets it without
/// a round trip through JSON; a value read from storage is parsed when asked for.</summary>
public static class JsonObjectExtensions
{
    public static T? Get<T>(this JsonObject state, string key) =>
        state.TryGetPropertyValue(key, out var node) ? node.Deserialize<T>() : default;

    public static T? Deserialize<T>(this JsonNode? node) =>
        node is null ? default
        : node is JsonValue value && value.TryGetValue<T>(out var typed) ? typed
        : node.Deserialize<T>(BotJson.Options);

    public static void Set<T>(this JsonObject state, string key, T value) =>
        state[key] = JsonValue.Create(value, (JsonTypeInfo<T>)BotJson.Options.GetTypeInfo(typeof(T)));
}
