using SupportBot.Agents;
using SupportBot.Storage;

namespace SupportBot.Tests.Infrastructure;

/// <summary>The real built-in agent hub on its own SQLite file, with agents signed in or not as a test needs.</summary>
public sealed class TestHub
{
    public TestHub(TimeProvider? clock = null)
    {
        Queue = new SqliteHandoffQueue(new SqliteDatabase(Path.Combine(TempFolder.Create("supportbot-hub"), "hub.db")));
        Presence = new AgentPresence(Notifications, clock ?? TimeProvider.System);
        Hub = new AgentHub(Queue, Presence, Notifications, clock ?? TimeProvider.System);
    }

    public HubNotifications Notifications { get; } = new();

    public IHandoffQueue Queue { get; }

    public AgentPresence Presence { get; }

    public AgentHub Hub { get; }

    /// <summary>An agent with the console open; dispose to close it.</summary>
    public IDisposable AgentOnline(string name = "alice") => Presence.Connect(name);
}
