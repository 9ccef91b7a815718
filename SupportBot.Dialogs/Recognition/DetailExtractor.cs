using System.Text.RegularExpressions;
using SupportBot.Dialogs.Playbook;

namespace SupportBot.Dialogs.Recognition;

/// <summary>Finds details the customer already gave (order numbers, emails, phone numbers, dates) so the bot
/// never asks for them again.</summary>
public static partial class DetailExtractor
{
    // Wall-clock time: on a busy machine a thread can be paused for tens of milliseconds in the middle of a match
    // (50 ms lost an order number under the 500-conversation load test); a runaway admin pattern still stops.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<!\d)(?:\+\d{1,3}[ -]?)?(?:\(?\d{2,5}\)?[ -]?)\d{3,4}[ -]?\d{3,4}(?!\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"\b(today|yesterday|the day before yesterday|last (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|(?:\d+|a|one|two|three|four) (?:days?|weeks?) ago)\b", RegexOptions.IgnoreCase)]
    private static partial Regex When();

    /// <summary>The topic's details found in <paramref name="text"/>, plus email, phone and date wherever they appear.</summary>
    public static Dictionary<string, string> Extract(string text, Topic? topic)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var detail in topic?.Details ?? [])
        {
            if (detail.Pattern is null)
            {
                continue;
            }
            Match match;
            try
            {
                match = Regex.Match(text, detail.Pattern, RegexOptions.IgnoreCase, Timeout);
            }
            catch (RegexMatchTimeoutException)
            {
                continue; // an admin's slow pattern finds nothing; the bot asks instead
            }
            if (match.Success)
            {
                found[detail.Name] = (match.Groups.Count > 1 && match.Groups[1].Success ? match.Groups[1].Value : match.Value).Trim();
            }
        }
        if (Email().Match(text) is { Success: true } email)
        {
            found.TryAdd("email", email.Value);
        }
        if (When().Match(text) is { Success: true } when)
        {
            found.TryAdd("when", when.Value.ToLowerInvariant());
        }
        if (Phone().Match(text) is { Success: true } phone && phone.Value.Count(char.IsDigit) >= 10)
        {
            found.TryAdd("phone", phone.Value.Trim());
        }
        return found;
    }
}
