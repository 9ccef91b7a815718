namespace SupportBot.Agents;

/// <summary>After every change in the hub, tells waiting customers whose place in the queue moved up.</summary>
public sealed class QueueWatcher(HubNotifications notifications, AgentDesk desk, ILogger<QueueWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await notifications.NextChange.WaitAsync(stoppingToken);
            try
            {
                await desk.UpdatePositionsAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Queue positions could not be updated; the next change tries again");
            }
        }
    }
}
