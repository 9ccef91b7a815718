namespace SupportBot.Admin.Analytics;

/// <summary>The report flattened to <c>section,key,value</c> rows: one file a spreadsheet opens as it is.</summary>
public static class AnalyticsCsv
{
    public static string Write(AnalyticsReport report)
    {
        var rows = new List<object?[]>
        {
            new object?[] { "period", "from", report.From.ToString("O") },
            new object?[] { "period", "to", report.To.ToString("O") },
            new object?[] { "conversations", "total", report.Conversations },
            new object?[] { "conversations", "contained", report.Contained },
            new object?[] { "conversations", "handedOff", report.HandedOff },
            new object?[] { "conversations", "abandoned", report.Abandoned },
            new object?[] { "conversations", "inProgress", report.InProgress },
            new object?[] { "wait", "accepted", report.Wait.Accepted },
            new object?[] { "wait", "neverAccepted", report.Wait.NeverAccepted },
            new object?[] { "wait", "medianSeconds", report.Wait.MedianSeconds },
            new object?[] { "satisfaction", "rated", report.Satisfaction.Rated },
            new object?[] { "satisfaction", "average", report.Satisfaction.Average },
        };
        rows.AddRange(report.Satisfaction.Distribution.Select(d => new object?[] { "satisfaction", $"rating {d.Key}", d.Value }));
        foreach (var topic in report.SatisfactionByTopic)
        {
            rows.Add(["satisfaction by topic", $"{topic.Topic} average", topic.Average]);
            rows.Add(["satisfaction by topic", $"{topic.Topic} rated", topic.Rated]);
        }
        rows.AddRange(report.Scorecard.Select(r => new object?[] { "scorecard", r.Rule, r.Share }));
        rows.AddRange(report.NotUnderstood.Select(n => new object?[] { "not understood", n.Text, n.Count }));
        return Csv.Csv.Write(["section", "key", "value"], rows);
    }
}
