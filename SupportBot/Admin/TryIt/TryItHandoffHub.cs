using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Admin.TryIt;

/// <summary>Keeps "Try it" conversations out of the agents' queue: asking for a person there gets the "nobody is
/// available" path (its messages and choices are part of what the admin is trying), and nothing reaches an agent or the
/// follow-up list. Every other conversation goes to the real hub.</summary>
public sealed class TryItHandoffHub(IHandoffHub hub) : IHandoffHub
{
    private static readonly HubStatus NobodyForDrafts = new(AgentsAvailable: 0, Position: null, EstimatedWait: null);

    private static bool IsDraft(ITurnContext context) => DraftConversations.IsDraft(context.Activity);

    public Task<HubStatus> StatusAsync(ITurnContext context, CancellationToken cancellationToken) =>
        IsDraft(context) ? Task.FromResult(NobodyForDrafts) : hub.StatusAsync(context, cancellationToken);

    public Task<HubStatus> RequestAsync(ITurnContext context, HandoffRequest request, CancellationToken cancellationToken) =>
        IsDraft(context) ? Task.FromResult(NobodyForDrafts) : hub.RequestAsync(context, request, cancellationToken);

    /// <summary>A draft conversation is never with anyone: the next message goes to the bot again.</summary>
    public Task<HandoffPhase?> PhaseAsync(ITurnContext context, HandoffPhase current, CancellationToken cancellationToken) =>
        IsDraft(context) ? Task.FromResult<HandoffPhase?>(null) : hub.PhaseAsync(context, current, cancellationToken);

    public Task WithdrawAsync(ITurnContext context, CancellationToken cancellationToken) =>
        IsDraft(context) ? Task.CompletedTask : hub.WithdrawAsync(context, cancellationToken);

    public Task LeaveMessageAsync(ITurnContext context, FollowUpRequest followUp, CancellationToken cancellationToken) =>
        IsDraft(context) ? Task.CompletedTask : hub.LeaveMessageAsync(context, followUp, cancellationToken);
}
