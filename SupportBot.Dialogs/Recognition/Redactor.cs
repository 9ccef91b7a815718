using System.Text.RegularExpressions;

namespace SupportBot.Dialogs.Recognition;

/// <summary>Confidentiality: card numbers, security codes and passwords never reach a transcript, a log or an
/// agent's screen.</summary>
public static partial class Redactor
{
    public const string Mask = "[redacted]";

    // 13 to 19 digits, optionally grouped by spaces or dashes; only those passing the Luhn check are cards.
    [GeneratedRegex(@"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")]
    private static partial Regex CardCandidate();

    [GeneratedRegex(@"(?i)\b(cvv2?|cvc2?|csc|security code|card code)\b(\s*(?:is|:|=)?\s*)\d{3,4}\b")]
    private static partial Regex SecurityCode();

    // Only with "is", ":" or "=" after it, so "my password reset email" keeps its words.
    [GeneratedRegex(@"(?i)\b(password|passcode|passwd|pwd|pin)\b(\s*(?:is|was)\s*:?\s*|\s*[:=]\s*)(\S+)")]
    private static partial Regex Password();

    public static string Redact(string text)
    {
        var redacted = CardCandidate().Replace(text, m => IsLuhn(m.Value) ? Mask : m.Value);
        redacted = SecurityCode().Replace(redacted, m => m.Groups[1].Value + m.Groups[2].Value + Mask);
        return Password().Replace(redacted, m => m.Groups[1].Value + m.Groups[2].Value + Mask);
    }

    private static bool IsLuhn(string candidate)
    {
        var digits = candidate.Where(char.IsDigit).Select(c => c - '0').ToArray();
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
