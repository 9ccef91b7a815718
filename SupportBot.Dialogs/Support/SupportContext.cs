using SupportBot.Dialogs.Playbook;
using SupportBot.Dialogs.Recognition;
using SupportBot.Dialogs.State;
using SupportBot.Dialogs.Turns;

namespace SupportBot.Dialogs.Support;

/// <summary>What the support dialogs share: the playbook in force and the conversation's state.</summary>
public sealed class SupportContext(Func<PlaybookRuntime> runtime, IStatePropertyAccessor<SupportCase> supportCase, IStatePropertyAccessor<UserProfile> profile, IHandoffHub hub, TimeProvider clock)
{
    public PlaybookRuntime Runtime => runtime();

    public Playbook.Playbook Playbook => Runtime.Playbook;

    public Messages Messages => Playbook.Messages;

    public ChoiceLabels Labels => Playbook.Choices;

    public TimeProvider Clock { get; } = clock;

    public IHandoffHub Hub { get; } = hub;

    public Task<SupportCase> CaseAsync(ITurnContext context, CancellationToken cancellationToken) =>
        supportCase.GetAsync(context, () => new SupportCase(), cancellationToken);

    public Task<UserProfile> ProfileAsync(ITurnContext context, CancellationToken cancellationToken) =>
        profile.GetAsync(context, () => new UserProfile(), cancellationToken);

    public async Task<string> RenderAsync(ITurnContext context, string template, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? extra = null)
    {
        var values = new Dictionary<string, string>((await CaseAsync(context, cancellationToken)).Details);
        values["name"] = (await ProfileAsync(context, cancellationToken)).Name ?? "there";
        values["hours"] = BusinessHoursText();
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            values[k] = v;
        }
        return Template.Render(template, values);
    }

    public bool IsOpen()
    {
        var hours = Playbook.BusinessHours;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(hours.TimeZone);
        var local = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), zone);
        var day = local.DayOfWeek.ToString()[..3];
        var time = TimeOnly.FromDateTime(local.DateTime);
        return hours.Days.Contains(day) && SupportBot.Dialogs.Playbook.BusinessHours.TryParse(hours.Open, false, out var open) && time >= open
            && SupportBot.Dialogs.Playbook.BusinessHours.TryParse(hours.Close, true, out var close) && time < close;
    }

    public string BusinessHoursText()
    {
        var hours = Playbook.BusinessHours;
        var days = hours.Days.Count > 1 ? $"{hours.Days[0]}–{hours.Days[^1]}" : hours.Days.FirstOrDefault() ?? "";
        return $"{days} {hours.Open}–{hours.Close} ({hours.TimeZone} time)";
    }
}
