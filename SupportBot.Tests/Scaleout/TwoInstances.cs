using SupportBot.Tests.Infrastructure;
using Xunit;

namespace SupportBot.Tests.Scaleout;

/// <summary>Two SupportBot processes as one bot: the same Blob storage (one Azurite), one Redis, the same Direct Line
/// secret and staff accounts; each with its own data and home folder, so whatever they share goes through those.</summary>
public sealed class TwoInstances : IAsyncLifetime
{
    public const string Agent = "dana";
    public const string OtherAgent = "eli";

    /// <summary>Short, so a conversation held by an agent whose console is closed goes back to the queue within the test.</summary>
    public static readonly TimeSpan AbsentTimeout = TimeSpan.FromSeconds(2);

    public AzuriteServer Azurite { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public BotProcess A { get; private set; } = null!;

    public BotProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Redis = await RedisServer.StartAsync();
        var settings = StaffClient.Accounts((Agent, "Dana", ["Agent"]), (OtherAgent, "Eli", ["Agent"]));
        settings["Storage:Provider"] = "Blob";
        settings["Storage:Blob:ConnectionString"] = Azurite.ConnectionString;
        settings["Redis:ConnectionString"] = Redis.ConnectionString;
        settings["Playbook:Path"] = TestPlaybooks.AlwaysOpen; // the desk is open whenever the tests run
        settings["Handoff:AgentAbsentTimeout"] = AbsentTimeout.ToString();
        settings["DirectLine:Secret"] = "two-instances-" + Guid.NewGuid().ToString("N");
        A = await BotProcess.StartAsync(settings); // one after the other, so a failed start leaves nothing unowned
        B = await BotProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        foreach (var started in new IAsyncDisposable?[] { A, B, Redis, Azurite })
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }
        }
    }
}
