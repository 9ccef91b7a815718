namespace SupportBot.Admin.Lint;

/// <summary>A cross-validation trains the recogniser <see cref="ConfusionReport.Folds"/> times, on a machine that also
/// serves customers: one runs at a time, and the answer for a document is kept until the document changes.</summary>
public sealed class ConfusionChecks
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private (string Json, IReadOnlyList<TopicConfusion> Confusions)? _last;

    public async Task<IReadOnlyList<TopicConfusion>> MeasureAsync(Dialogs.Playbook.Playbook playbook, string json, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && last.Json == json)
            {
                return last.Confusions;
            }
            var confusions = await Task.Run(() => ConfusionReport.Measure(playbook), cancellationToken);
            _last = (json, confusions);
            return confusions;
        }
        finally
        {
            _one.Release();
        }
    }
}
