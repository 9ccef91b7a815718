namespace SupportBot.Dialogs.Support;

/// <summary>The support dialogs and prompts, all in one dialog set so any of them can be started from anywhere.</summary>
public static class DialogIds
{
    public const string Support = "support";
    public const string Case = "case";
    public const string Understand = "understand";
    public const string Topic = "topic";
    public const string Details = "details";
    public const string Handoff = "handoff";
    public const string Recover = "recover";
    public const string WrapUp = "wrapUp";
    public const string LeaveMessage = "leaveMessage";

    public const string Text = "prompt.text";
    public const string Choice = "prompt.choice";
    public const string Confirm = "prompt.confirm";
}

/// <summary>Where a case goes next, passed between the support dialogs.</summary>
public sealed record CaseOptions(string? Text, string? Ask = null);

/// <summary>The customer wants to say it again differently: the case starts over from <see cref="Text"/>.</summary>
public sealed record Restate(string? Text, string? Ask = null);

/// <summary>The case is over ("resolved", "handoff", "closed"); the next message starts a new one.</summary>
public sealed record CaseEnded(string Outcome);
