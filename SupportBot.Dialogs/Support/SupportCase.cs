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

    /// <summary>Null while the bot is in charge; otherwise the customer waits for a person or talks with one.</summary>
    public HandoffPhase? HandedOff { get; set; }

    /// <summary>The person who took the conversation, as the customer sees them.</summary>
    public string? Agent { get; set; }

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

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<HandoffPhase>))]
public enum HandoffPhase
{
    /// <summary>In the built-in hub's queue: the bot answers, offering to keep waiting, leave a message or go back.</summary>
    Waiting,

    /// <summary>A person (or an external contact centre) has the conversation: the bot stays silent.</summary>
    WithAgent,
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
