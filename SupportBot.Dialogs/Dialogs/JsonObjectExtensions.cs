using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Dialogs;

/// <summary>Typed access to a dialog's persisted JSON values. A value of a declared type set in this process is kept as
/// the object it is (serialised only when the state is saved), so a dialog reading it back on this or a later turn gets
/// it without a round trip through JSON; a value read from storage is parsed when asked for. A set value then belongs
/// to the state: change it only through <see cref="Set{T}"/>, and leave alone what <see cref="Get{T}"/> returns.</summary>
public static class JsonObjectExtensions
{
    public static T? Get<T>(this JsonObject state, string key) =>
        state.TryGetPropertyValue(key, out var node) ? node.Deserialize<T>() : default;

    public static T? Deserialize<T>(this JsonNode? node) =>
        node is null ? default
        : node is JsonValue value && value.TryGetValue<T>(out var typed) ? typed
        : node.Deserialize<T>(BotJson.Options);

    /// <summary>A value of no particular type (a dialog's options) and JSON itself are stored as JSON nodes, so whoever
    /// reads them sees the same shape before and after a restart.</summary>
    public static void Set<T>(this JsonObject state, string key, T value) =>
        state[key] = typeof(T) == typeof(object) || value is JsonNode or JsonElement
            ? JsonSerializer.SerializeToNode(value, BotJson.Options)
            : JsonValue.Create(value, (JsonTypeInfo<T>)BotJson.Options.GetTypeInfo(typeof(T)));
}
