namespace SupportBot.Dialogs.Schema;

/// <summary>Channel ids as channels send them.</summary>
public static class ChannelIds
{
    public const string WebChat = "webchat";
    public const string DirectLine = "directline";
    public const string Emulator = "emulator";
    public const string MsTeams = "msteams";
    public const string Test = "test";
}
