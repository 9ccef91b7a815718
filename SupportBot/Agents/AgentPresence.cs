using System.Collections.Concurrent;

namespace SupportBot.Agents;

/// <summary>Which agents are here: an agent counts as available while their console is open (its live connection)
/// and they have not set themselves away. Kept in memory: after a restart consoles reconnect.</summary>
public sealed class AgentPresence(HubNotifications notifications, TimeProvider clock)
{
    public const string Available = "available";
    public const string Away = "away";

    private readonly ConcurrentDictionary<string, Entry> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly DateTimeOffset _started = clock.GetUtcNow();

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
        notifications.Raise();
        return new Connection(() =>
        {
            entry.LastSeen = clock.GetUtcNow();
            Interlocked.Decrement(ref entry.Connections);
            notifications.Raise();
        });
    }

    public void SetStatus(string agent, string status)
    {
        _agents.GetOrAdd(agent, _ => new Entry()).Status = status;
        notifications.Raise();
    }

    public string StatusOf(string agent) =>
        _agents.TryGetValue(agent, out var entry) && entry.Connections > 0 ? entry.Status : Away;

    /// <summary>How long the agent's console has been closed (since this process started, if it never opened here);
    /// zero while it is open.</summary>
    public TimeSpan AbsentFor(string agent) =>
        _agents.TryGetValue(agent, out var entry) && entry.Connections > 0 ? TimeSpan.Zero
        : clock.GetUtcNow() - (entry?.LastSeen is { } seen && seen > _started ? seen : _started);

    public int AvailableCount => _agents.Values.Count(e => e.Connections > 0 && e.Status == Available);

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
