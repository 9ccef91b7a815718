using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.State;

/// <summary>One state document per key (a conversation, a user), loaded once per turn and saved only when it
/// changed, always with the ETag it was read at.</summary>
public abstract class BotState(IStorage storage, string name)
{
    private readonly string _cacheKey = "SupportBot.State." + name;
    private readonly KeptStates _kept = new();

    public IStorage Storage { get; } = storage;

    public abstract string GetStorageKey(ITurnContext context);

    public IStatePropertyAccessor<T> CreateProperty<T>(string propertyName) => new StatePropertyAccessor<T>(this, propertyName);

    public Task LoadAsync(ITurnContext context, CancellationToken cancellationToken) =>
        GetCached(context) is null ? BotStateSet.LoadAsync([this], context, cancellationToken) : Task.CompletedTask; // every property read asks

    public Task SaveChangesAsync(ITurnContext context, CancellationToken cancellationToken) =>
        BotStateSet.SaveAsync([this], context, cancellationToken);

    internal CachedState? GetCached(ITurnContext context) => context.Get<CachedState>(_cacheKey);

    internal void SetCached(ITurnContext context, CachedState state) => context.TurnState[_cacheKey] = state;

    /// <summary>The state a read found for <paramref name="key"/>: the one this process's last turn ended with when it
    /// is still what is stored (nothing to parse), else the stored document.</summary>
    internal CachedState Resume(string key, StoreItem? item) =>
        _kept.TryTake(key, item?.ETag, out var kept) ? kept : new CachedState(key, item?.Json, item?.ETag);

    /// <summary>A turn's state once it is stored, for the next turn to resume. Values got from a property belong to
    /// the turn that got them: nothing may change them once the turn has saved.</summary>
    internal void Keep(CachedState state)
    {
        foreach (var name in state.Live.Keys)
        {
            state.Raw.Remove(name); // what was stored is the typed value: a stale parsed one must never show through
        }
        _kept.Put(state);
    }

    internal CachedState RequireCached(ITurnContext context) => GetCached(context)
        ?? throw new InvalidOperationException($"{GetType().Name} was not loaded for this turn; call LoadAsync first.");

    /// <summary>The state of one key for one turn: raw values as stored, typed values once a property is used.</summary>
    internal sealed class CachedState(string key, string? json, string? etag)
    {
        public string Key { get; } = key;
        public string? ETag { get; set; } = etag;
        public string? StoredJson { get; set; } = json;
        public Dictionary<string, JsonElement> Raw { get; } = Parse(json);
        public Dictionary<string, object?> Live { get; } = new(StringComparer.Ordinal);

        public string ToJson()
        {
            var merged = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in Raw)
            {
                merged[k] = v;
            }
            foreach (var (k, v) in Live)
            {
                merged[k] = v;
            }
            return JsonSerializer.Serialize(merged, BotJson.Options);
        }

        /// <summary>One document for the whole state, its properties shared out of it (a dictionary of elements
        /// deserialised property by property copies each into a document of its own).</summary>
        private static Dictionary<string, JsonElement> Parse(string? json)
        {
            var raw = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (json is not null)
            {
                // Anything but an object throws: a state that cannot be read must never be saved over as empty.
                foreach (var property in JsonElement.Parse(json, new JsonDocumentOptions { MaxDepth = BotJson.Options.MaxDepth }).EnumerateObject())
                {
                    raw[property.Name] = property.Value;
                }
            }
            return raw;
        }
    }
}

/// <summary>State shared by everyone in a conversation: <c>{channelId}/conversations/{conversationId}</c>.</summary>
public sealed class ConversationState(IStorage storage) : BotState(storage, nameof(ConversationState))
{
    public override string GetStorageKey(ITurnContext context)
    {
        var a = context.Activity;
        var channel = a.ChannelId ?? throw new InvalidOperationException("The activity has no channelId.");
        var conversation = a.Conversation?.Id ?? throw new InvalidOperationException("The activity has no conversation.id.");
        return $"{channel}/conversations/{conversation}";
    }
}

/// <summary>State of one customer across conversations: <c>{channelId}/users/{userId}</c>. In Teams the user is the
/// Entra user (aadObjectId) when the channel names one, so personal chat, group chats and channels share a profile.</summary>
public sealed class UserState(IStorage storage) : BotState(storage, nameof(UserState))
{
    public override string GetStorageKey(ITurnContext context)
    {
        var a = context.Activity;
        var channel = a.ChannelId ?? throw new InvalidOperationException("The activity has no channelId.");
        var user = a.CustomerId() ?? throw new InvalidOperationException("The activity has no from.id.");
        return $"{channel}/users/{user}";
    }
}
