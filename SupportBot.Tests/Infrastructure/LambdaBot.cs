using SupportBot.Dialogs.Turns;

namespace SupportBot.Tests.Infrastructure;

/// <summary>A bot whose whole turn is the given function.</summary>
internal sealed class LambdaBot(Func<ITurnContext, CancellationToken, Task> turn) : IBot
{
    public Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken) => turn(context, cancellationToken);
}
