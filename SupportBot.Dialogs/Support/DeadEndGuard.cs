using System.Buffers;
using SupportBot.Dialogs.Dialogs;
using SupportBot.Dialogs.Schema;

namespace SupportBot.Dialogs.Support;

/// <summary>Choices, not refusals, enforced at run time: a reply that refuses or gives up without offering any
/// choice gets the fallback topics and a person added, and the defect is logged so the playbook can be fixed.</summary>
public static class DeadEndGuard
{
    private static readonly SearchValues<string> Refusals = SearchValues.Create(
        ["can't", "cannot", "can not", "unable", "not possible", "don't understand", "do not understand", "no agents", "not available"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the choices to each refusing reply, rendered for the channel of <paramref name="incoming"/>.</summary>
    public static void Apply(Activity incoming, IReadOnlyList<Activity> replies, Playbook.Playbook playbook, Action<string>? log)
    {
        foreach (var reply in replies)
        {
            if (reply.Type != ActivityTypes.Message || reply.SuggestedActions is { Actions.Count: > 0 } || reply.Attachments is { Count: > 0 } || !IsRefusal(reply.Text))
            {
                continue;
            }
            var text = reply.Text;
            var choices = playbook.FallbackTopics.Select(id => playbook.FindTopic(id)?.Name).OfType<string>().Append(playbook.Choices.TalkToPerson)
                .Select(c => new Choice(c)).ToList();
            ChoiceFactory.ForChannel(incoming, reply, choices);
            log?.Invoke($"Dead end without choices; added them: \"{text}\"");
        }
    }

    public static bool IsRefusal(string? text) =>
        text is not null && (text.AsSpan().ContainsAny(Refusals) || text.Contains('’') && text.Replace('’', '\'').AsSpan().ContainsAny(Refusals));
}

/// <summary>Runs the guard on every reply before anything else sees it (the transcript, the channel).</summary>
public sealed class DeadEndGuardMiddleware(Func<Recognition.PlaybookRuntime> runtime, Action<string>? log = null) : Turns.IMiddleware
{
    public Task OnTurnAsync(Turns.ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        context.OnSendActivities((ctx, replies, sendNext) =>
        {
            DeadEndGuard.Apply(ctx.Activity, replies, runtime().Playbook, log);
            return sendNext();
        });
        return next(cancellationToken);
    }
}
