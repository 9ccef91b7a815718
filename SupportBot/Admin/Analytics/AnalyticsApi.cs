using System.Globalization;
using SupportBot.Channels;
using static SupportBot.Admin.AdminRequests;

namespace SupportBot.Admin.Analytics;

/// <summary>The report over a period (<c>from</c>, <c>to</c>: ISO dates or times, UTC; by default the last 7 days),
/// as JSON or as CSV (one row per figure).</summary>
public static class AnalyticsApi
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);

    public static void MapAnalyticsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/analytics", JsonAsync).WithSummary("Conversations, containment, handoffs, waits, satisfaction, rule scorecard and not-understood utterances over a period");
        api.MapGet("/analytics.csv", CsvAsync).WithSummary("The same report as CSV: section, key, value");
    }

    private static async Task<IResult> JsonAsync(string? from, string? to, CaseAnalytics analytics, TimeProvider clock, CancellationToken cancellationToken)
    {
        var period = Period(from, to, clock);
        return period.Error ?? Json(await analytics.ComputeAsync(period.From, period.To, cancellationToken));
    }

    private static async Task<IResult> CsvAsync(string? from, string? to, CaseAnalytics analytics, TimeProvider clock, CancellationToken cancellationToken)
    {
        var period = Period(from, to, clock);
        if (period.Error is not null)
        {
            return period.Error;
        }
        var report = await analytics.ComputeAsync(period.From, period.To, cancellationToken);
        return Results.File(System.Text.Encoding.UTF8.GetBytes(AnalyticsCsv.Write(report)), "text/csv", "analytics.csv");
    }

    private static (DateTimeOffset From, DateTimeOffset To, IResult? Error) Period(string? from, string? to, TimeProvider clock)
    {
        var end = clock.GetUtcNow();
        if (!string.IsNullOrEmpty(to) && !TryParse(to, out end))
        {
            return (default, default, ApiErrors.BadRequest($"to '{to}' is not an ISO date or time such as 2026-11-23 or 2026-11-23T17:00:00Z."));
        }
        var start = end - DefaultPeriod;
        if (!string.IsNullOrEmpty(from) && !TryParse(from, out start))
        {
            return (default, default, ApiErrors.BadRequest($"from '{from}' is not an ISO date or time such as 2026-11-16."));
        }
        return start < end ? (start, end, null) : (default, default, ApiErrors.BadRequest("from must be before to."));
    }

    private static bool TryParse(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
