using System.Text.Json.Serialization;

namespace SupportBot.Dialogs.Playbook;

/// <summary>Everything the bot says and knows, tuned by admins: a versioned JSON document.</summary>
public sealed record Playbook
{
    /// <summary>Optional link to playbook.schema.json for editors; the bot ignores it.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public int Version { get; init; }

    public string Name { get; init; } = "";

    public Thresholds Thresholds { get; init; } = new();

    public BusinessHours BusinessHours { get; init; } = new();

    public Messages Messages { get; init; } = new();

    public ChoiceLabels Choices { get; init; } = new();

    /// <summary>Topic ids offered when the bot has not understood, besides a person.</summary>
    public List<string> FallbackTopics { get; init; } = [];

    public List<string> FrustrationPhrases { get; init; } = [];

    public List<string> HandoffPhrases { get; init; } = [];

    /// <summary>Replies an agent sends with one click in the agent console.</summary>
    public List<string> CannedReplies { get; init; } = [];

    public List<Topic> Topics { get; init; } = [];

    public Topic? FindTopic(string id) => Topics.FirstOrDefault(t => t.Id == id);
}

/// <summary>Recogniser confidence bands: at or above <see cref="Confident"/> the bot proceeds; between
/// <see cref="Unsure"/> and it, it asks which topic; below, it has not understood.</summary>
public sealed record Thresholds
{
    public double Confident { get; init; } = 0.6;

    public double Unsure { get; init; } = 0.25;
}

public sealed record BusinessHours
{
    public string TimeZone { get; init; } = "UTC";

    public List<string> Days { get; init; } = ["Mon", "Tue", "Wed", "Thu", "Fri"];

    public string Open { get; init; } = "09:00";

    public string Close { get; init; } = "17:00";

    /// <summary>HH:mm on a 24-hour clock; closing may also be 24:00, the end of the day (a desk open round the clock).</summary>
    public static bool TryParse(string text, bool closing, out TimeOnly time)
    {
        if (closing && text == "24:00")
        {
            time = TimeOnly.MaxValue;
            return true;
        }
        return TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);
    }
}

public sealed record Topic
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    /// <summary>How the bot says back what it heard; placeholders name details, e.g. "your order {orderNumber} is late".</summary>
    public string Reflect { get; init; } = "";

    public List<string> Utterances { get; init; } = [];

    /// <summary>Open questions for when the customer's need within the topic is unclear.</summary>
    public List<string> ClarifyingQuestions { get; init; } = [];

    public List<Detail> Details { get; init; } = [];

    /// <summary>What the bot tells the customer once it has the details; null when only a person can help.</summary>
    public string? Resolution { get; init; }

    public bool HandToPerson { get; init; }
}

/// <summary>Something the bot needs to know for a topic, asked openly, recognised by an optional pattern.</summary>
public sealed record Detail
{
    public string Name { get; init; } = "";

    public string Question { get; init; } = "";

    /// <summary>A regular expression that finds the detail in free text; the first group (or the match) is the value.</summary>
    public string? Pattern { get; init; }
}

/// <summary>The labels of the choices the bot offers everywhere.</summary>
public sealed record ChoiceLabels
{
    public string TalkToPerson { get; init; } = "Talk to a person";

    public string SomethingElse { get; init; } = "Something else";

    public string TryAnotherWay { get; init; } = "Try another way";

    public string KeepGoing { get; init; } = "Keep going with the bot";

    public string KeepWaiting { get; init; } = "Keep waiting";

    public string LeaveMessage { get; init; } = "Leave a message";

    public string WaitForPerson { get; init; } = "Wait for a person";

    public string NothingToAdd { get; init; } = "Nothing to add";

    public string Yes { get; init; } = "Yes";

    public string No { get; init; } = "No";

    public string NoComment { get; init; } = "No comment";

    public List<string> Ratings { get; init; } = ["1", "2", "3", "4", "5"];
}

/// <summary>Every sentence the bot says outside a topic. Placeholders: {name}, {since}, {summary}, {hours};
/// in the handoff messages also {position}, {wait}, {agent} and {contact}.</summary>
public sealed record Messages
{
    public string AskName { get; init; } = "";
    public string AskNameRetry { get; init; } = "";
    public string Greeting { get; init; } = "";
    public string Welcome { get; init; } = "";
    public string GreetingReturning { get; init; } = "";
    public string GreetingReturningSince { get; init; } = "";
    public string ReflectConfirm { get; init; } = "";
    public string Rephrase { get; init; } = "";
    public string Unsure { get; init; } = "";
    public string Clarify { get; init; } = "";
    public string NotUnderstood { get; init; } = "";
    public string Apology { get; init; } = "";
    public string Recover { get; init; } = "";
    public string Solved { get; init; } = "";
    public string NotSolved { get; init; } = "";
    public string AnythingElse { get; init; } = "";
    public string Csat { get; init; } = "";
    public string CsatComment { get; init; } = "";
    public string Closing { get; init; } = "";
    public string HandoffRequested { get; init; } = "";
    public string HandoffOutOfHours { get; init; } = "";
    public string HandoffWaiting { get; init; } = "";
    public string HandoffPosition { get; init; } = "";
    public string WaitingNoted { get; init; } = "";
    public string HandoffNobodyAvailable { get; init; } = "";
    public string HandoffAccepted { get; init; } = "";
    public string HandoffRequeued { get; init; } = "";
    public string HandoffEnded { get; init; } = "";
    public string HandoffFailed { get; init; } = "";
    public string LeaveMessageContact { get; init; } = "";
    public string LeaveMessageNote { get; init; } = "";
    public string LeaveMessageDone { get; init; } = "";
    public string Help { get; init; } = "";
    public string StartOver { get; init; } = "";
}
