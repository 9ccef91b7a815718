namespace SupportBot.Admin.Analytics;

/// <summary>How the bot did over a period. Shares are 0 to 1; null where nothing could be measured.</summary>
public sealed record AnalyticsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Conversations,
    int Contained,
    int HandedOff,
    int Abandoned,
    int InProgress,
    WaitFigures Wait,
    SatisfactionFigures Satisfaction,
    IReadOnlyList<TopicSatisfaction> SatisfactionByTopic,
    IReadOnlyList<RuleScore> Scorecard,
    IReadOnlyList<NotUnderstood> NotUnderstood);

/// <summary>Waits for a person: from the request to an agent accepting it.</summary>
public sealed record WaitFigures(int Accepted, int NeverAccepted, double? MedianSeconds);

public sealed record SatisfactionFigures(int Rated, double? Average, IReadOnlyDictionary<int, int> Distribution);

public sealed record TopicSatisfaction(string Topic, int Rated, double Average, IReadOnlyDictionary<int, int> Distribution);

/// <summary>One customer-service rule: in how many of the conversations it applies to it was kept.</summary>
public sealed record RuleScore(string Rule, string Description, int Kept, int Applicable, double? Share);

/// <summary>Something customers wrote that the bot did not understand, how often, and the words as one customer put them.</summary>
public sealed record NotUnderstood(string Text, int Count, DateTimeOffset LastSeen);
