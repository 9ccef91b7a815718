using System.Collections.Concurrent;
using SupportBot.Scaleout;

namespace SupportBot.Agents;

/// <summary>Which agents are here: an agent counts as available while their console is open (its live connection)
/// and they have not set themselves away. Kept in memory: after a restart consoles reconnect. With several instances
/// (<see cref="SharedPresence"/>) a console open on any of them counts, and a status set on one holds on all.</summary>
public sealed class AgentPresence(HubNotifications notifications, TimeProvider clock, SharedPresence? shared = null)
{
    public const string Available = "available";
    public const string Away = "away";

    private readonly ConcurrentDictionary<string, Entry> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private readonly SemaphoreSlim _sharing = new(1, 1);
    private SharedPresence.View? _others; // null: alone, or Redis unreachable

    private sealed class Entry
    {
        public int Connections;
        public string Status = Available;
        public DateTimeOffset LastSeen;
    }

    /// <summary>The console's live connection; disposing it (the page closed) makes the agent unavailable.</summary>
    public IDisposable Connect(string agent)
    {
        var entry = _agents.GetOrAdd(agent, _ => new Entry());
        Interlocked.Increment(ref entry.Connections);
        Changed();
        return new Connection(() =>
        {
            entry.LastSeen = clock.GetUtcNow();
            var closed = Interlocked.Decrement(ref entry.Connections) == 0;
            Changed(left: closed ? (agent, entry.LastSeen) : null);
        });
    }

    public void SetStatus(string agent, string status)
    {
        _agents.GetOrAdd(agent, _ => new Entry()).Status = status;
        if (_others is { } others)
        {
            _others = others with { Status = new Dictionary<string, string>(others.Status, StringComparer.OrdinalIgnoreCase) { [agent] = status } };
        }
        Changed(status: (agent, status));
    }

    public string StatusOf(string agent)
    {
        if (!IsOpen(agent))
        {
            return Away;
        }
        return _others?.Status.TryGetValue(agent, out var status) == true ? status
            : _agents.TryGetValue(agent, out var entry) ? entry.Status : Available;
    }

    /// <summary>How long the agent's console has been closed everywhere (since this process started, if it was never
    /// seen); zero while it is open.</summary>
    public TimeSpan AbsentFor(string agent)
    {
        if (IsOpen(agent))
        {
            return TimeSpan.Zero;
        }
        var seen = _started;
        if (_agents.TryGetValue(agent, out var entry) && entry.LastSeen > seen)
        {
            seen = entry.LastSeen;
        }
        if (_others?.LastSeen.TryGetValue(agent, out var elsewhere) == true && elsewhere > seen)
        {
            seen = elsewhere;
        }
        return clock.GetUtcNow() - seen;
    }

    public int AvailableCount => OpenHere().Concat(_others?.Open ?? Enumerable.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase).Count(a => StatusOf(a) == Available);

    /// <summary>Writes this instance's consoles to Redis and reads the others' (after a change, at every heartbeat,
    /// and before a signal from another instance wakes the consoles here).</summary>
    public async Task ShareAsync((string Agent, string Status)? status = null, (string Agent, DateTimeOffset At)? left = null)
    {
        if (shared is null)
        {
            return;
        }
        await _sharing.WaitAsync();
        try
        {
            // The list is taken inside the lock, so an older list never overwrites a newer one.
            await shared.WriteAsync(OpenHere(), status, left, clock.GetUtcNow());
            _others = await shared.ReadAsync(clock.GetUtcNow());
        }
        finally
        {
            _sharing.Release();
        }
    }

    /// <summary>Reads the other instances' presence again (another instance signalled a change).</summary>
    public async Task RefreshAsync()
    {
        if (shared is not null)
        {
            _others = await shared.ReadAsync(clock.GetUtcNow());
        }
    }

    private bool IsOpen(string agent) =>
        (_agents.TryGetValue(agent, out var entry) && entry.Connections > 0) || _others?.Open.Contains(agent) == true;

    private List<string> OpenHere() => _agents.Where(a => a.Value.Connections > 0).Select(a => a.Key).ToList();

    private void Changed((string Agent, string Status)? status = null, (string Agent, DateTimeOffset At)? left = null)
    {
        if (shared is null)
        {
            notifications.Raise();
            return;
        }
        notifications.RaiseHere(); // this instance's consoles need not wait for Redis
        _ = Task.Run(async () =>
        {
            await ShareAsync(status, left);
            notifications.Raise(); // after the write, so the other instances read the change when they wake
        });
    }

    private sealed class Connection(Action close) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                close();
            }
        }
    }
}
