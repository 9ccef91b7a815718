using SupportBot.Dialogs.Support;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Playbooks;

/// <summary>With the <c>Inspection</c> setting on, every turn shows how the bot understood the customer.</summary>
public sealed class InspectionMiddleware : Dialogs.Turns.IMiddleware
{
    public Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken)
    {
        context.TurnState[RecognizerTrace.InspectionKey] = true;
        return next(cancellationToken);
    }
}
