using SupportBot.Scaleout;

namespace SupportBot.Agents;

/// <summary>"Something in the hub changed": wakes every open agent console (which then reads the queue again) and the
/// queue-position updates, on this instance and, through Redis, on the others. Carries no data, so a missed or
/// doubled signal costs one extra read at most.</summary>
public sealed class HubNotifications(RedisLink? link = null)
{
    public const string FanoutChannel = "hub";

    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change.</summary>
    public Task NextChange => Volatile.Read(ref _next).Task;

    public void Raise()
    {
        RaiseHere();
        link?.Publish(FanoutChannel, "");
    }

    /// <summary>Another instance's change.</summary>
    public void RaiseHere() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
