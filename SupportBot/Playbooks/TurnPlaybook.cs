using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.Schema;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Playbooks;

/// <summary>The playbook a turn runs on, chosen once when the turn starts: a publish in the middle of a turn cannot
/// mix two playbooks (a topic recognised by the old recogniser and missing from the new playbook), and a "Try it"
/// conversation runs on the draft while every customer's turn runs on the live one.</summary>
public static class TurnPlaybook
{
    private static readonly AsyncLocal<PlaybookRuntime?> Pinned = new();

    /// <summary>The runtime pinned for the turn running on this flow; null outside a turn.</summary>
    public static PlaybookRuntime? Current => Pinned.Value;

    /// <summary>What the bot and the middleware are given: the turn's playbook, or the live one outside a turn.</summary>
    public static Func<PlaybookRuntime> Selector(PlaybookHost host) => () => Pinned.Value ?? host.Current;

    /// <summary>Pins the runtime <paramref name="choose"/> picks for the incoming activity for the rest of the turn.
    /// Runs first in the pipeline, so everything after it (the guard, the bot) sees the same playbook.</summary>
    public sealed class Middleware(Func<Activity, PlaybookRuntime> choose) : Dialogs.Turns.IMiddleware
    {
        public async Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
        {
            // An AsyncLocal set here flows down into next() and is undone when this method returns.
            Pinned.Value = choose(context.Activity);
            await next(cancellationToken);
        }
    }
}
