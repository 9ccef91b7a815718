namespace SupportBot.Dialogs.Turns;

public interface IMiddleware
{
    Task OnTurnAsync(ITurnContext context, Func<CancellationToken, Task> next, CancellationToken cancellationToken);
}

public interface IBot
{
    Task OnTurnAsync(ITurnContext context, CancellationToken cancellationToken);
}

/// <summary>Runs the middleware in order, then the bot.</summary>
public sealed class MiddlewarePipeline(IEnumerable<IMiddleware> middleware)
{
    private readonly IMiddleware[] _middleware = middleware.ToArray();

    public Task RunAsync(ITurnContext context, IBot bot, CancellationToken cancellationToken)
    {
        return Next(0, cancellationToken);

        Task Next(int index, CancellationToken ct) => index == _middleware.Length
            ? bot.OnTurnAsync(context, ct)
            : _middleware[index].OnTurnAsync(context, c => Next(index + 1, c), ct);
    }
}
