namespace SupportBot.Agents;

/// <summary>After every change in the hub, tells waiting customers whose place in the queue moved up and posts new
/// requests to the Teams agents' channel (if there is one); and now and then
/// passes back to the queue what agents who went away were holding (<c>Handoff:AgentAbsentTimeout</c>).</summary>
public sealed class QueueWatcher(HubNotifications notifications, AgentDesk desk, HubOptions options, TeamsAgentChannelOptions teams,
    TeamsAgentChannel teamsChannel, ILogger<QueueWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var check = options.AgentAbsentTimeout / 2 < TimeSpan.FromSeconds(30) ? options.AgentAbsentTimeout / 2 : TimeSpan.FromSeconds(30);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.WhenAny(notifications.NextChange, Task.Delay(check, stoppingToken));
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                await desk.ReturnAbandonedAsync(options.AgentAbsentTimeout);
                await desk.UpdatePositionsAsync();
                if (teams.Enabled)
                {
                    await teamsChannel.AnnounceAsync();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The queue could not be looked after; the next change tries again");
            }
        }
    }
}

/// <summary>The built-in hub's settings (section <c>Handoff</c>).</summary>
public sealed record HubOptions
{
    /// <summary><c>Hub</c> (the built-in agent console) or <c>External</c> (a contact centre, via handoff events).</summary>
    public string Mode { get; init; } = "Hub";

    public bool External => string.Equals(Mode.Trim(), "External", StringComparison.OrdinalIgnoreCase);

    /// <summary>How long an agent's console may be closed before their conversations go back to the queue.</summary>
    public TimeSpan AgentAbsentTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public HubOptions Validate() =>
        !External && !string.Equals(Mode.Trim(), "Hub", StringComparison.OrdinalIgnoreCase)
            ? throw new InvalidOperationException($"Handoff:Mode must be Hub or External; it is '{Mode}'.")
        : AgentAbsentTimeout <= TimeSpan.Zero ? throw new InvalidOperationException("Handoff:AgentAbsentTimeout must be positive.")
        : this;
}
