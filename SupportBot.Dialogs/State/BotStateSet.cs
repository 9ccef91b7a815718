using System.Text.Json;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.State;

/// <summary>Loads several states with one read and saves them with one all-or-nothing write, so a turn never
/// stores half of its changes.</summary>
public sealed class BotStateSet(params BotState[] states)
{
    public IReadOnlyList<BotState> States { get; } = states;

    public Task LoadAllAsync(ITurnContext context, CancellationToken cancellationToken) => LoadAsync(States, context, cancellationToken);

    public Task SaveAllChangesAsync(ITurnContext context, CancellationToken cancellationToken) => SaveAsync(States, context, cancellationToken);

    internal static async Task LoadAsync(IReadOnlyList<BotState> states, ITurnContext context, CancellationToken cancellationToken)
    {
        var toLoad = states.Where(s => s.GetCached(context) is null).ToList();
        if (toLoad.Count == 0)
        {
            return;
        }
        var storage = SingleStorage(toLoad);
        var keys = toLoad.Select(s => s.GetStorageKey(context)).ToList();
        var found = await storage.ReadAsync(keys.Distinct().ToList(), cancellationToken);
        for (var i = 0; i < toLoad.Count; i++)
        {
            var item = found.GetValueOrDefault(keys[i]);
            toLoad[i].SetCached(context, toLoad[i].Resume(keys[i], item));
        }
    }

    internal static async Task SaveAsync(IReadOnlyList<BotState> states, ITurnContext context, CancellationToken cancellationToken)
    {
        var changed = new List<(BotState State, BotState.CachedState Cached, string Json)>();
        foreach (var state in states)
        {
            if (state.GetCached(context) is not { } cached)
            {
                continue;
            }
            var json = cached.ToJson();
            if (json != (cached.StoredJson ?? "{}"))
            {
                changed.Add((state, cached, json));
            }
            else
            {
                state.Keep(cached);
            }
        }
        if (changed.Count == 0)
        {
            return;
        }

        var storage = SingleStorage(states);
        var changes = changed.ToDictionary(c => c.Cached.Key, c => new StoreItem(c.Json, c.Cached.ETag));
        void Stored(IReadOnlyDictionary<string, string> etags)
        {
            foreach (var (state, cached, json) in changed)
            {
                cached.ETag = etags[cached.Key];
                cached.StoredJson = json;
                state.Keep(cached);
            }
        }
        // Committed later with the turn's transcript when the turn allows it; a conflict then re-runs the turn as well.
        if (context.Get<DeferredStateWrite>(DeferredStateWrite.TurnStateKey) is { } deferred && deferred.TryAdd(storage, changes, Stored))
        {
            return;
        }
        Stored(await storage.WriteAsync(changes, cancellationToken));
    }

    private static IStorage SingleStorage(IReadOnlyList<BotState> states)
    {
        var storage = states[0].Storage;
        return states.All(s => ReferenceEquals(s.Storage, storage))
            ? storage
            : throw new InvalidOperationException("States saved together must share one storage.");
    }
}

public interface IStatePropertyAccessor<T>
{
    string Name { get; }

    Task<T> GetAsync(ITurnContext context, Func<T> defaultValue, CancellationToken cancellationToken = default);

    Task SetAsync(ITurnContext context, T value, CancellationToken cancellationToken = default);

    Task DeleteAsync(ITurnContext context, CancellationToken cancellationToken = default);
}

internal sealed class StatePropertyAccessor<T>(BotState state, string name) : IStatePropertyAccessor<T>
{
    public string Name { get; } = name;

    public async Task<T> GetAsync(ITurnContext context, Func<T> defaultValue, CancellationToken cancellationToken = default)
    {
        await state.LoadAsync(context, cancellationToken);
        var cached = state.RequireCached(context);
        if (cached.Live.TryGetValue(Name, out var live) && live is T typed)
        {
            return typed;
        }
        var value = cached.Raw.TryGetValue(Name, out var raw)
            ? raw.Deserialize<T>(BotJson.Options) ?? defaultValue()
            : defaultValue();
        cached.Live[Name] = value;
        return value;
    }

    public async Task SetAsync(ITurnContext context, T value, CancellationToken cancellationToken = default)
    {
        await state.LoadAsync(context, cancellationToken);
        state.RequireCached(context).Live[Name] = value;
    }

    public async Task DeleteAsync(ITurnContext context, CancellationToken cancellationToken = default)
    {
        await state.LoadAsync(context, cancellationToken);
        var cached = state.RequireCached(context);
        cached.Live.Remove(Name);
        cached.Raw.Remove(Name);
    }
}
