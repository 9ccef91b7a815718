using System.Text.Json.Nodes;

namespace SupportBot.Tests.Infrastructure;

/// <summary>Playbook files for servers whose behaviour must not depend on the time of day the tests run.</summary>
public static class TestPlaybooks
{
    private static readonly Lazy<string> AlwaysOpenPath = new(() =>
    {
        var playbook = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "SupportBot.Dialogs", "Playbook", "default-playbook.json")))!;
        playbook["businessHours"] = JsonNode.Parse("""{ "timeZone": "UTC", "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "open": "00:00", "close": "24:00" }""");
        var path = Path.Combine(TempFolder.Create("supportbot-playbook"), "always-open.json");
        File.WriteAllText(path, playbook.ToJsonString());
        return path;
    });

    /// <summary>The default playbook with a support desk open round the clock.</summary>
    public static string AlwaysOpen => AlwaysOpenPath.Value;
}
