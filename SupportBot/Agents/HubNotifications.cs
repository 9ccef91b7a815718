namespace SupportBot.Agents;

/// <summary>"Something in the hub changed": wakes every open agent console (which then reads the queue again) and the
/// queue-position updates. Carries no data, so a missed or doubled signal costs one extra read at most.</summary>
public sealed class HubNotifications
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    public void Raise() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
