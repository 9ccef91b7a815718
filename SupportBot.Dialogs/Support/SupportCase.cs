namespace SupportBot.Dialogs.Support;

/// <summary>What the bot has learned in this conversation: the topic, the details and how it is going.</summary>
public sealed class SupportCase
{
    public bool Greeted { get; set; }

    public string? TopicId { get; set; }

    public double Confidence { get; set; }

    public Dictionary<string, string> Details { get; set; } = [];

    /// <summary>The customer's own words about their need, in order, with secrets redacted: the agent who takes
    /// the case reads them.</summary>
    public List<string> CustomerSaid { get; set; } = [];

    public int NotUnderstood { get; set; }

    public bool Apologized { get; set; }

    public bool Frustrated { get; set; }

    public string? Outcome { get; set; }

    public Satisfaction? Satisfaction { get; set; }

    public HandoffRequest? Handoff { get; set; }

    /// <summary>Forgets what belonged to the last case; who the customer is and how the conversation went stay.</summary>
    public void StartNew()
    {
        TopicId = null;
        Confidence = 0;
        Details = [];
        CustomerSaid = [];
        NotUnderstood = 0;
        Outcome = null;
    }
}

public sealed record Satisfaction(int Rating, string? Comment);

/// <summary>Everything a person needs to take over without the customer repeating themselves.</summary>
public sealed record HandoffRequest(
    string? CustomerName,
    string? CustomerId,
    string? ChannelId,
    bool ReturningCustomer,
    int? CustomerSince,
    string? TopicId,
    string? TopicName,
    double Confidence,
    IReadOnlyDictionary<string, string> Details,
    string Summary,
    bool Frustrated,
    DateTimeOffset RequestedAt);
